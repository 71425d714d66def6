"""Measure client_credentials issuance by django-oauth-toolkit.

Two applications: one with the toolkit's default (its secret hashed with
Django's password hasher, PBKDF2) and one with ``hash_client_secret=False``.
Each case posts to the token endpoint through Django's WSGI handler.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from typing import Any
from urllib.parse import urlencode

from bench import protocol, wsgi


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.dot_side.settings")
    import django  # type: ignore[import-not-found]
    import oauth2_provider  # type: ignore[import-not-found]
    from django.contrib.auth.hashers import get_hasher  # type: ignore[import-not-found]
    from django.core.management import call_command  # type: ignore[import-not-found]
    from django.core.wsgi import get_wsgi_application  # type: ignore[import-not-found]

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    app = get_wsgi_application()

    from oauth2_provider.models import get_application_model  # type: ignore[import-not-found]

    application_model = get_application_model()
    headers: dict[str, dict[str, str]] = {}
    for name, hashed in (("hashed", True), ("plain", False)):
        secret = "s" + os.urandom(24).hex()
        row = application_model(
            name=f"bench {name}",
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=hashed,
        )
        row.save()
        basic = base64.b64encode(f"{row.client_id}:{secret}".encode()).decode()
        headers[name] = {
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
    body = urlencode({"grant_type": "client_credentials", "scope": "read"}).encode()

    def issue(name: str) -> protocol.Case:
        def case(count: int) -> None:
            for _ in range(count):
                payload = wsgi.expect(
                    wsgi.call(app, "POST", "/o/token/", body, headers[name]),
                    what=f"DOT token ({name})",
                )
                if "access_token" not in json.loads(payload):
                    raise RuntimeError(f"no access token: {payload[:200]!r}")

        return case

    hasher: Any = get_hasher()
    protocol.serve(
        {"issue_hashed": issue("hashed"), "issue_plain": issue("plain")},
        {
            "python": sys.version.split()[0],
            "django": django.get_version(),
            "django_oauth_toolkit": oauth2_provider.__version__,
            "secret_hasher": f"{hasher.algorithm}, {getattr(hasher, 'iterations', '?')}"
            " iterations",
        },
    )


if __name__ == "__main__":
    main()
