"""The comparison side: a minimal Django project serving django-oauth-toolkit.

It runs in its own virtual environment (``bench/.venv-dot``) and is driven
through ``bench.protocol`` like the plugin's side.
"""
