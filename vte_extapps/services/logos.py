"""Application logos: checked by their content, kept in the database, served
by the plugin under a URL that changes with the image."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable

from pyramid.request import Request
from sqlalchemy import select

from .. import audit
from ..models import Application, ApplicationLogo
from .applications import find_application

PNG, JPEG, SVG = "image/png", "image/jpeg", "image/svg+xml"
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
#: An XML declaration, comments and whitespace may come before an SVG's root.
_SVG_START = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<svg[\s>]", re.S)


class UnusableLogo(ValueError):
    """A logo that cannot be used, with a message fit to show the operator."""


def sniff(data: bytes) -> str | None:
    """The image type ``data`` really holds, whatever its name claims."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _is_svg(data.removeprefix(b"\xef\xbb\xbf")):
        return SVG
    return None


def _is_svg(data: bytes) -> bool:
    if not _SVG_START.match(data[:4096]):
        return False
    # A document type could declare entities that expand without end; an
    # SVG logo needs none, so any is refused before the parser sees it.
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return False
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - no DTD can reach here
    except ElementTree.ParseError:
        return False
    return root.tag in {f"{SVG_NAMESPACE}svg", "svg"}


def check_logo(data: bytes, max_bytes: int) -> str:
    """The logo's content type; raises UnusableLogo saying what is wrong."""
    if not data:
        raise UnusableLogo("The file is empty.")
    if len(data) > max_bytes:
        size, limit = readable_size(len(data)), readable_size(max_bytes)
        raise UnusableLogo(f"The logo is {size}; the limit is {limit}.")
    content_type = sniff(data)
    if content_type is None:
        raise UnusableLogo("Upload a PNG, JPEG or SVG image.")
    return content_type


def readable_size(count: int) -> str:
    """A number of bytes as the forms say it, such as "256 KB"."""
    if count < 1024:
        return f"{count} bytes"
    return f"{count / 1024:.0f} KB"


def set_logo(request: Request, application: Application, data: bytes) -> None:
    """Replace the application's logo; raises UnusableLogo for a bad file."""
    max_bytes = request.registry["vte_extapps.settings"].logo_max_bytes
    content_type = check_logo(data, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    logo = application.logo
    if logo is not None and logo.digest == digest:
        return
    if logo is None:
        application.logo = ApplicationLogo(
            content_type=content_type, data=data, digest=digest
        )
    else:
        logo.content_type, logo.data, logo.digest = content_type, data, digest
    request.extapps_db.flush()
    audit.record(request, audit.ApplicationChanged, application, fields=["logo"])


def remove_logo(request: Request, application: Application) -> None:
    if application.logo is None:
        return
    application.logo = None
    request.extapps_db.flush()
    audit.record(request, audit.ApplicationChanged, application, fields=["logo"])


def logo_url(request: Request, application: Application) -> str | None:
    """Where the application's logo is served, or None without one."""
    logo = application.logo
    if logo is None:
        return None
    return request.route_url(
        "vte_extapps.logo", client_id=application.client_id, digest=logo.digest
    )


def logo_urls(request: Request, applications: Iterable[Application]) -> dict[int, str]:
    """Logo URLs by application id, in one query that leaves the images out."""
    by_id = {application.id: application for application in applications}
    if not by_id:
        return {}
    rows = request.extapps_db.execute(
        select(ApplicationLogo.application_id, ApplicationLogo.digest).where(
            ApplicationLogo.application_id.in_(by_id)
        )
    )
    return {
        application_id: request.route_url(
            "vte_extapps.logo",
            client_id=by_id[application_id].client_id,
            digest=digest,
        )
        for application_id, digest in rows
    }


def find_logo(request: Request, client_id: str, digest: str) -> ApplicationLogo | None:
    """The logo at this URL; an outdated digest finds nothing."""
    application = find_application(request, client_id)
    if application is None or application.logo is None:
        return None
    if application.logo.digest != digest:
        return None
    return application.logo
