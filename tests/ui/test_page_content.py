"""What the pages show and load: nothing from other sites (SECURITY A8), and
what an application's registrant typed, escaped everywhere (SECURITY L4).

An application's name, display name, description and links are chosen by
whoever registers it, and the consent screen shows them to every user who
connects it; none of them may become markup on any page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import webtest
from sqlalchemy.orm import Session

from tests.helpers import login
from tests.oauth.flows import AUTHORIZE, Client, authorize_params, pkce
from tests.ui.helpers import ADMIN_URL, LINKED_URL, PNG
from vte_extapps.models import ClientType
from vte_extapps.services.logos import set_logo

MARKUP = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
LINK = "https://app.example.com/?q=" + '"><script>alert(3)</script>'
REDIRECT = "https://app.example.com/callback"
#: Elements whose URL attribute the browser fetches on its own.
FETCHED = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "frame": "src",
    "embed": "src",
    "object": "data",
    "source": "src",
    "video": "src",
    "audio": "src",
    "track": "src",
    "input": "src",
    "link": "href",
}


@pytest.fixture
def marked(
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    make_token: Callable[..., Any],
    user_id: Callable[[str], str],
    extapps_request: Any,
    dbsession: Session,
) -> Any:
    """A web application whose every registrant-chosen text is markup."""
    application = make_application(
        "Name" + MARKUP,
        ClientType.WEB,
        redirect_uris=[REDIRECT],
        display_name="Shown" + MARKUP,
        description="About" + MARKUP,
        homepage_url=LINK,
        privacy_policy_url=LINK,
        terms_url=LINK,
    ).application
    set_logo(extapps_request, application, PNG)
    grant = make_grant(application, user_id("alice"))
    make_token(application, user_id("alice"), grant_id=grant.id)
    dbsession.flush()
    return application


def consent_page(testapp: webtest.TestApp, application: Any) -> webtest.TestResponse:
    _, challenge = pkce()
    client = Client(application.client_id, None, None, application)
    params = authorize_params(client, REDIRECT, challenge, prompt="consent")
    return testapp.get(AUTHORIZE, params)


def pages_showing(
    testapp: webtest.TestApp, app: Any, application: Any
) -> list[webtest.TestResponse]:
    """Every page where the application's texts appear, in an admin's and in
    alice's browser, flash messages included."""
    cid = application.client_id
    admin = webtest.TestApp(app, extra_environ=testapp.extra_environ)
    login(admin, "admin")
    pages = [
        admin.get(ADMIN_URL + path.format(cid=cid))
        for path in (
            "",
            "/{cid}/edit",
            "/{cid}/tokens",
            "/{cid}/credentials",
            "/{cid}/audit",
            "/{cid}/revoke-tokens",
            "/{cid}/delete",
        )
    ]
    # Deactivate, then activate again from the list that answers.
    listing = pages[0]
    for _ in range(2):
        (status,) = [
            form
            for form in listing.forms.values()
            if form.action.endswith(f"/{cid}/status")
        ]
        listing = status.submit().follow()
        pages.append(listing)
    (rotate,) = [
        form
        for form in pages[3].forms.values()
        if form.action.endswith("/rotate-secret")
    ]
    pages.append(rotate.submit())

    login(testapp, "alice")
    pages.append(consent_page(testapp, application))
    pages.append(testapp.get(LINKED_URL))
    confirm = testapp.get(LINKED_URL).click("Revoke access")
    pages.append(confirm)
    pages.append(confirm.forms[0].submit().follow())
    return pages


def test_what_a_registrant_typed_never_becomes_markup(
    testapp: webtest.TestApp, app: Any, marked: Any
) -> None:
    pages = pages_showing(testapp, app, marked)
    for page in pages:
        where = page.request.url
        assert "<script>alert" not in page.text, where
        assert "onerror=alert" not in page.text.replace("onerror=alert(2)&gt;", ""), (
            where
        )
        assert not page.html.find("script", string=re.compile("alert")), where
        assert not page.html.find(attrs={"onerror": True}), where
    texts = " ".join(page.text for page in pages)
    # The texts are there, as text: Name and Shown on the admin pages and
    # the consent screen, the links as links.
    assert "Name&#34;&gt;&lt;script&gt;" in texts or "Name&quot;&gt;" in texts
    assert "Shown&#34;&gt;&lt;script&gt;" in texts or "Shown&quot;&gt;" in texts
    consent = next(page for page in pages if "request_id" in page.text)
    assert "About&#34;&gt;&lt;script&gt;" in consent.text or "About&quot;" in (
        consent.text
    )
    hrefs = [a.get("href") for a in consent.html.find_all("a")]
    assert hrefs.count(LINK) == 3


def test_no_page_loads_anything_from_another_site(
    testapp: webtest.TestApp, app: Any, marked: Any
) -> None:
    for page in pages_showing(testapp, app, marked):
        where = page.request.url
        for tag, attribute in FETCHED.items():
            for element in page.html.find_all(tag):
                url = element.get(attribute)
                if url is None or (
                    tag == "link"
                    and "stylesheet" not in str(element.get("rel"))
                    and "icon" not in str(element.get("rel"))
                ):
                    continue
                assert url.startswith(("https://crm.example.com/", "/")), (where, url)
                assert not url.startswith("//"), (where, url)
        assert "url(http" not in page.text, where
        assert "@import" not in page.text, where
        policy = page.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy, where
        assert page.headers["Referrer-Policy"] == "no-referrer", where


def test_the_stylesheets_and_scripts_load_nothing_either(
    testapp: webtest.TestApp, app: Any, marked: Any
) -> None:
    urls = set()
    for page in pages_showing(testapp, app, marked):
        for element in page.html.find_all(["script", "link"]):
            url = element.get("src") or element.get("href")
            if url and url.endswith((".css", ".js")):
                urls.add(url)
    assert urls
    for url in urls:
        body = testapp.get(url).text
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", body), url
        assert "@import" not in body, url
        assert not re.search(r"fetch\(\s*['\"]https?:", body), url
