"""Application logos: checked by content, stored, and served so they cannot
run script."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest
from sqlalchemy.orm import Session

from tests.ui.helpers import ADMIN_URL, PNG, field_error
from vte_extapps.models import ClientType
from vte_extapps.services.logos import SVG, sniff

SVG_LOGO = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" '
    b'height="8"><rect width="8" height="8" fill="#0b5cad"/></svg>'
)
JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def edit_form(admin: webtest.TestApp, client_id: str) -> webtest.forms.Form:
    return admin.get(f"{ADMIN_URL}/{client_id}/edit").forms["application-form"]


@pytest.fixture
def web_app(make_application: Callable[..., Any]) -> Any:
    return make_application("Lead Finder", ClientType.WEB).application


def upload_logo(
    admin: webtest.TestApp, application: Any, name: str, data: bytes, **kw: Any
) -> webtest.TestResponse:
    form = edit_form(admin, application.client_id)
    form["logo"] = webtest.Upload(name, data, "image/png")
    response = form.submit(**kw)
    # WebOb spools a large body to a temporary file that only a server closes.
    response.request.environ["wsgi.input"].close()
    return response


def logo_src(admin: webtest.TestApp, application: Any) -> str:
    page = admin.get(ADMIN_URL)
    image = page.html.find("img", class_="app-logo")
    assert image is not None
    return str(image["src"])


def test_a_png_logo_is_stored_and_served_with_a_long_cache(
    admin: webtest.TestApp, web_app: Any, dbsession: Session
) -> None:
    upload_logo(admin, web_app, "logo.png", PNG).follow()
    dbsession.refresh(web_app)
    assert web_app.logo.content_type == "image/png"

    response = admin.get(logo_src(admin, web_app))
    assert response.body == PNG
    assert response.content_type == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["ETag"] == f'"{web_app.logo.digest}"'
    again = admin.get(
        logo_src(admin, web_app), headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_int == 304


def test_an_svg_logo_is_served_so_that_it_cannot_run_script(
    admin: webtest.TestApp, web_app: Any
) -> None:
    upload_logo(admin, web_app, "logo.svg", SVG_LOGO).follow()
    response = admin.get(logo_src(admin, web_app))
    assert response.content_type == SVG
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_html_page_named_like_a_png_is_refused(
    admin: webtest.TestApp, web_app: Any, dbsession: Session
) -> None:
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    page = upload_logo(admin, web_app, "logo.png", html, status=400)
    assert "PNG, JPEG or SVG" in field_error(page, "logo")
    dbsession.refresh(web_app)
    assert web_app.logo is None


def test_an_oversized_logo_is_refused(
    admin: webtest.TestApp, web_app: Any, dbsession: Session
) -> None:
    limit = admin.app.registry["vte_extapps.settings"].logo_max_bytes
    page = upload_logo(admin, web_app, "big.png", PNG + b"\0" * limit, status=400)
    assert "limit" in field_error(page, "logo")
    dbsession.refresh(web_app)
    assert web_app.logo is None


def test_a_bad_logo_in_the_wizard_saves_nothing(
    admin: webtest.TestApp, dbsession: Session
) -> None:
    form = admin.get(f"{ADMIN_URL}/new?client_type=web").forms["application-form"]
    form["name"] = "Logo Test"
    form["redirect_uris"] = "https://app.example.com/cb"
    form["logo"] = webtest.Upload("x.png", b"GIF89a...", "image/png")
    page = form.submit(status=400)
    assert "PNG, JPEG or SVG" in field_error(page, "logo")
    assert "Logo Test" not in admin.get(ADMIN_URL).text


def test_a_logo_is_removed(
    admin: webtest.TestApp, web_app: Any, dbsession: Session
) -> None:
    upload_logo(admin, web_app, "logo.png", PNG)
    old_url = logo_src(admin, web_app)
    form = edit_form(admin, web_app.client_id)
    form["remove_logo"] = True
    form.submit()
    dbsession.refresh(web_app)
    assert web_app.logo is None
    admin.get(old_url, status=404)


def test_an_outdated_logo_url_is_not_found(
    admin: webtest.TestApp, web_app: Any
) -> None:
    upload_logo(admin, web_app, "logo.png", PNG)
    old_url = logo_src(admin, web_app)
    upload_logo(admin, web_app, "logo.svg", SVG_LOGO)
    admin.get(old_url, status=404)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "image/png"),
        (JPEG_START, "image/jpeg"),
        (SVG_LOGO, SVG),
        (b"\xef\xbb\xbf" + SVG_LOGO, SVG),
        (b"<!-- made by hand --><svg xmlns='http://www.w3.org/2000/svg'/>", SVG),
        (b"<html><svg></svg></html>", None),
        (b"<svg><unclosed></svg>", None),
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', None),
        (b"<svgfoo/>", None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_logos_are_recognised_by_their_content(
    data: bytes, expected: str | None
) -> None:
    assert sniff(data) == expected


def test_anyone_may_fetch_a_logo(
    testapp: webtest.TestApp, admin: webtest.TestApp, web_app: Any
) -> None:
    upload_logo(admin, web_app, "logo.png", PNG)
    url = logo_src(admin, web_app)
    anonymous = webtest.TestApp(admin.app, extra_environ=admin.extra_environ)
    assert anonymous.get(url).body == PNG
