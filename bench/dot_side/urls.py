"""The toolkit's endpoints under ``/o/``, as its documentation mounts them."""

from __future__ import annotations

from django.urls import include, path  # type: ignore[import-not-found]

urlpatterns = [path("o/", include("oauth2_provider.urls", namespace="oauth2_provider"))]
