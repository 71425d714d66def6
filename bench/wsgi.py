"""Calling a WSGI application directly, with no server and no test client.

Both sides of a comparison are called the same way, so that neither pays for
a layer the other skips. Standard library only: the comparison side uses it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def call(
    app: WSGIApp,
    method: str,
    url: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    host: str = "crm.example.com",
) -> tuple[int, bytes]:
    """Send one request to ``app``; the status code and the body."""
    parts = urlsplit(url)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "HTTP_HOST": host,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        else:
            environ["HTTP_" + key] = value
    status: list[str] = []

    def start_response(line: str, _headers: Any, _exc_info: Any = None) -> Any:
        status.append(line)
        return lambda _data: None

    chunks = app(environ, start_response)
    try:
        payload = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return int(status[0].split(" ", 1)[0]), payload


def expect(
    result: tuple[int, bytes], status: int = 200, what: str = "request"
) -> bytes:
    """The body of a response that must have ``status``; otherwise an error."""
    code, payload = result
    if code != status:
        raise RuntimeError(f"{what}: HTTP {code}: {payload[:300]!r}")
    return payload
