"""Which redirect URIs an application may register (RFC 9700 2.6, RFC 8252 7)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..models import ClientType

MAX_URI_LENGTH = 2000
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redirect_uri_problem(uri: str, client_type: ClientType) -> str | None:
    """Why ``uri`` cannot be registered for this kind of application, or None."""
    if not uri or len(uri) > MAX_URI_LENGTH:
        return f"a redirect URL has 1 to {MAX_URI_LENGTH} characters"
    if any(char.isspace() for char in uri) or any(ord(char) < 0x21 for char in uri):
        return "a redirect URL has no spaces or control characters"
    try:
        parts = urlsplit(uri)
        if parts.port == 0:
            return f"{uri}: port 0 cannot be reached"
    except ValueError:
        return f"{uri} is not a valid URL"
    if "#" in uri:
        return f"{uri}: a redirect URL cannot have a fragment (#...)"
    if not parts.scheme:
        return f"{uri}: a redirect URL must be absolute"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return f"{uri}: a redirect URL cannot hold a user name or password"
    if "*" in uri:
        return f"{uri}: wildcards are not allowed; register each URL"
    scheme = parts.scheme.lower()
    if scheme in {"javascript", "data", "file", "vbscript", "about", "blob"}:
        return f"{uri}: {scheme}: URLs cannot be redirect URLs"
    if scheme == "https":
        return None if parts.hostname else f"{uri}: the URL has no host"
    if scheme == "http":
        # Plain http only for a native app's own loopback listener (RFC 8252 7.3).
        if client_type is ClientType.MOBILE and _is_loopback(parts.hostname or ""):
            return None
        return f"{uri}: use https (plain http is only for a mobile app on loopback)"
    if client_type is ClientType.MOBILE:
        # Private-use schemes are reverse domain names (RFC 8252 7.1).
        if "." not in scheme:
            return (
                f"{uri}: a custom scheme must be a reverse domain name, "
                "such as com.example.app:/callback"
            )
        return None
    return f"{uri}: web applications need an https URL"
