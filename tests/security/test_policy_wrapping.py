"""The bearer policy wraps the host's, whatever order the host configures them in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import webtest
from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.config import Configurator
from pyramid.interfaces import IRequest
from pyramid.response import Response
from sqlalchemy import delete
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session

from vte_extapps.directives import DirectoryUser
from vte_extapps.models import AccessToken, Application, AuthMethod, ClientType
from vte_extapps.services.tokens import issue_access_token


class Thing:
    __acl__ = [(Allow, "user:u1", "view")]


class HeaderPolicy:
    """A host that knows its users from a trusted header, to keep the test small."""

    def identity(self, request: IRequest) -> str | None:
        return request.headers.get("X-Host-User")

    def authenticated_userid(self, request: IRequest) -> str | None:
        return self.identity(request)

    def permits(self, request: IRequest, context: Any, permission: str) -> Any:
        user = self.identity(request)
        principals = [Everyone] + ([Authenticated, f"user:{user}"] if user else [])
        return ACLHelper().permits(context, principals, permission)

    def remember(self, request: IRequest, userid: str, **kw: Any) -> list[Any]:
        return []

    def forget(self, request: IRequest, **kw: Any) -> list[Any]:
        return []


class Directory:
    def get_user(self, request: IRequest, user_id: str) -> DirectoryUser | None:
        return DirectoryUser(user_id, f"User {user_id}") if user_id == "u1" else None

    def principals_for(self, request: IRequest, user_id: str) -> Sequence[str]:
        return [f"user:{user_id}"]

    def search(self, request: IRequest, text: str, limit: int = 20) -> list[Any]:
        return []


def thing_view(request: IRequest) -> Response:
    return Response(f"hello {request.authenticated_userid}")


def build_host(database_url: URL, include_first: bool) -> Any:
    settings = {"vte_extapps.sqlalchemy_url": database_url.render_as_string(False)}
    with Configurator(
        settings=settings, root_factory=lambda request: Thing()
    ) as config:
        if include_first:
            config.include("vte_extapps")
            config.set_security_policy(HeaderPolicy())
        else:
            config.set_security_policy(HeaderPolicy())
        config.add_route("thing", "/thing")
        config.add_view(thing_view, route_name="thing", permission="view")
        if not include_first:
            config.include("vte_extapps")
        config.set_extapps_user_directory(Directory())
        config.add_extapps_scope("things:read", "Read things", permissions="view")
    return config.make_wsgi_app()


@pytest.fixture
def committed_token(engine: Engine) -> Iterator[str]:
    """A live token for user u1, committed so the host's own session sees it."""
    with Session(engine) as session:
        application = Application(
            client_id="vte_wrapping_test",
            name="Wrapping test",
            client_type=ClientType.SERVICE,
            auth_method=AuthMethod.SECRET,
            run_as_user_id="u1",
            scopes=["things:read"],
        )
        session.add(application)
        session.flush()
        token = issue_access_token(
            session,
            application_id=application.id,
            user_id="u1",
            scopes=["things:read"],
            grant_type="client_credentials",
            lifetime=600,
        ).value
        session.commit()
        yield token
        session.execute(
            delete(AccessToken).where(AccessToken.application_id == application.id)
        )
        session.delete(application)
        session.commit()


@pytest.mark.parametrize(
    "include_first", [True, False], ids=["include-first", "policy-first"]
)
def test_bearer_and_host_identities_both_work_in_either_order(
    database_url: URL, committed_token: str, include_first: bool
) -> None:
    app = build_host(database_url, include_first)
    host = webtest.TestApp(app)

    # The host's own policy still answers requests without a token...
    assert host.get("/thing", headers={"X-Host-User": "u1"}).text == "hello u1"
    host.get("/thing", headers={"X-Host-User": "u2"}, status=403)

    # ...and a token is judged by the token alone.
    response = host.get(
        "/thing", headers={"Authorization": f"Bearer {committed_token}"}
    )
    assert response.text == "hello u1"
    host.get(
        "/thing",
        headers={"Authorization": "Bearer vtea_forged", "X-Host-User": "u1"},
        status=401,
    )
    # The host's own engine must not outlive the test database.
    app.registry["vte_extapps.session_factory"].kw["bind"].dispose()
