"""Django settings for the comparison project: the toolkit with its defaults.

The database file comes from ``BENCH_DOT_DATABASE`` so that both sides of a
comparison sit on the same file system.
"""

from __future__ import annotations

import os
import secrets

DEBUG = False
SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["crm.example.com", "127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = "bench.dot_side.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]

# The middleware a new Django project starts with.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BENCH_DOT_DATABASE", ":memory:"),
    }
}

LOGGING = {"version": 1, "disable_existing_loggers": False}
