"""The plugin's side, set up as an operator would: the demo CRM on a database.

Applications and tokens are made through the plugin's service layer, inside
a real transaction that commits, so the timed requests find them as any
client's requests would.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import os
from collections.abc import Iterator
from typing import Any

import transaction
import zope.sqlalchemy
from pyramid.interfaces import IRequestExtensions
from pyramid.request import Request, apply_request_extensions
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from vte_extapps.demo import main, setup_database
from vte_extapps.demo.models import User
from vte_extapps.models import AccessToken, AuthMethod, ClientType
from vte_extapps.services.applications import ApplicationForm, create_application
from vte_extapps.services.tokens import issue_access_token

from . import wsgi

HOST = "crm.example.com"
SESSION_SECRET = "bench-session-secret-" + "x" * 32
#: The record every API figure reads: Invoice number 1, which admin may see.
RECORD_ID = "16x1"
SCOPES = ("invoice:read", "invoice:write")


@dataclasses.dataclass
class Host:
    """The demo CRM with the plugin, on one database."""

    url: str
    engine: Engine
    app: Any
    admin_id: str

    @classmethod
    def build(cls, url: str, **settings: str) -> Host:
        engine = create_engine(url)
        setup_database(engine)
        app = main(
            {},
            **{"sqlalchemy.url": url, "demo.session_secret": SESSION_SECRET},
            **settings,
        )
        with Session(engine) as session:
            admin_id = session.scalar(select(User.id).where(User.username == "admin"))
        return cls(url, engine, app, str(admin_id))

    @contextlib.contextmanager
    def service_request(self) -> Iterator[Request]:
        """A request on the demo's registry whose work commits at the end."""
        manager = transaction.TransactionManager(explicit=True)
        manager.begin()
        session = Session(bind=self.engine)
        zope.sqlalchemy.register(session, transaction_manager=manager)
        request = Request.blank(
            "/",
            base_url=f"https://{HOST}",
            environ={
                "tm.active": True,
                "tm.manager": manager,
                "app.dbsession": session,
            },
        )
        request.registry = self.app.registry
        apply_request_extensions(
            request, extensions=self.app.registry.queryUtility(IRequestExtensions)
        )
        try:
            yield request
            manager.commit()
        except BaseException:
            manager.abort()
            raise
        finally:
            session.close()

    def service_account(
        self, auth: AuthMethod = AuthMethod.SECRET, algorithm: str = "RS256"
    ) -> tuple[str, str]:
        """A new service account acting as admin: its client id and its secret
        (or private key, PEM, for JWT-signed authentication)."""
        with self.service_request() as request:
            issued = create_application(
                request,
                ApplicationForm(
                    name=f"bench {auth.value} {algorithm}",
                    client_type=ClientType.SERVICE,
                    auth_method=auth,
                    run_as_user_id=self.admin_id,
                    scopes=SCOPES,
                    key_algorithm=algorithm,
                    key_format="pem",
                ),
            )
            client_id = issued.application.client_id
            if issued.key_pair is not None:
                return client_id, issued.key_pair.private_key
            assert issued.client_secret is not None
            return client_id, issued.client_secret

    def access_tokens(self, count: int, lifetime: int = 24 * 3600) -> list[str]:
        """Live access tokens of a new service account, as a client holds them."""
        with self.service_request() as request:
            issued = create_application(
                request,
                ApplicationForm(
                    name="bench api client",
                    client_type=ClientType.SERVICE,
                    run_as_user_id=self.admin_id,
                    scopes=SCOPES,
                ),
            )
            application_id = issued.application.id
            return [
                issue_access_token(
                    request.extapps_db,
                    application_id=application_id,
                    user_id=self.admin_id,
                    scopes=SCOPES,
                    grant_type="client_credentials",
                    lifetime=lifetime,
                ).value
                for _ in range(count)
            ]

    def session_headers(self, username: str = "admin") -> dict[str, str]:
        """Headers of a signed-in browser: its session cookie and CSRF token."""
        import webtest

        browser = webtest.TestApp(
            self.app, extra_environ={"HTTP_HOST": HOST, "wsgi.url_scheme": "https"}
        )
        page = browser.get("/login")
        browser.post(
            "/login",
            {
                "username": username,
                "password": username,
                "csrf_token": _csrf_token(page.text),
            },
            status=303,
        )
        home = browser.get("/", status="*")
        csrf = _csrf_token(home.text) if "csrf" in home.text else ""
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        return {"Cookie": cookie, "X-CSRF-Token": csrf}

    def retrieve(self, headers: dict[str, str]) -> bytes:
        """The REST call every API figure makes: one record by its id."""
        return wsgi.expect(
            wsgi.call(
                self.app,
                "POST",
                "/restapi/v1/vtews/retrieve",
                b'{"id": "%s"}' % RECORD_ID.encode(),
                {"Content-Type": "application/json", **headers},
            ),
            what="retrieve",
        )

    def bulk_tokens(
        self, count: int, *, expired: bool = False, batch: int = 20_000
    ) -> None:
        """Insert ``count`` access tokens of one application, in batches.

        Digests are random, as real ones are, so they spread over the index.
        """
        with self.service_request() as request:
            issued = create_application(
                request,
                ApplicationForm(
                    name=f"bench bulk {'expired' if expired else 'live'}",
                    client_type=ClientType.SERVICE,
                    run_as_user_id=self.admin_id,
                    scopes=SCOPES,
                ),
            )
            application_id = issued.application.id
        now = datetime.datetime.now(datetime.UTC)
        issued_at = now - datetime.timedelta(days=2 if expired else 0)
        expires_at = issued_at + datetime.timedelta(hours=1 if expired else 24)
        done = 0
        while done < count:
            rows = [
                {
                    "digest": os.urandom(32).hex(),
                    "application_id": application_id,
                    "user_id": self.admin_id,
                    "scopes": list(SCOPES),
                    "grant_type": "client_credentials",
                    "issued_at": issued_at,
                    "expires_at": expires_at,
                }
                for _ in range(min(batch, count - done))
            ]
            with self.engine.begin() as connection:
                connection.execute(insert(AccessToken), rows)
            done += len(rows)


def _csrf_token(page: str) -> str:
    import re

    found = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
        r'|name="csrf-token"[^>]*content="([^"]+)"',
        page,
    )
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return next(group for group in found.groups() if group)
