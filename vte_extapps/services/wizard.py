"""The add and edit forms: from posted fields to the service layer and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from pyramid.request import Request

from ..credentials import GeneratedKeyPair, KeyFormat
from ..directives import DirectoryUser, Scope, scope_catalog, user_directory
from ..models import Application, AuthMethod, ClientType
from .applications import (
    GENERATED_KEY_ALGORITHMS,
    ApplicationForm,
    InvalidApplication,
    IssuedCredentials,
    add_key,
    create_application,
    update_application,
)
from .auth_method import change_auth_method
from .configuration import general_configuration
from .logos import UnusableLogo, check_logo, remove_logo, set_logo

#: How many users the run-as picker offers at once.
RUN_AS_CHOICES = 50
NO_KEY_GIVEN = "Paste the public key or choose its file, as PEM or JWK."


@dataclasses.dataclass(frozen=True, slots=True)
class ClientTypeChoice:
    """A client type as step 1 of the wizard describes it."""

    value: ClientType
    title: str
    summary: str


CLIENT_TYPES = (
    ClientTypeChoice(
        ClientType.SERVICE,
        "Service Account",
        "Another server reads or writes CRM data in the background, "
        "acting as one CRM user (client credentials).",
    ),
    ClientTypeChoice(
        ClientType.WEB,
        "Web Application",
        "A web site asks each CRM user for permission and keeps its "
        "credentials on its server (authorization code).",
    ),
    ClientTypeChoice(
        ClientType.MOBILE,
        "Mobile or Native Application",
        "An app on a phone or desktop asks each CRM user for permission; "
        "it cannot keep a secret (authorization code with PKCE).",
    ),
)


def client_type_choice(value: str | None) -> ClientTypeChoice | None:
    for choice in CLIENT_TYPES:
        if choice.value.value == value:
            return choice
    return None


def key_algorithms(request: Request) -> tuple[str, ...]:
    """The algorithms a key pair can be generated for, and assertions then use.

    Only those the general configuration allows are offered; should it allow
    none of them, all are, and the configuration's own check tells why.
    """
    allowed = general_configuration(request).jwt_algorithms
    offered = tuple(name for name in GENERATED_KEY_ALGORITHMS if name in allowed)
    return offered or GENERATED_KEY_ALGORITHMS


def _check_key_algorithm(request: Request, post: Any) -> None:
    """A key pair to generate must be for an algorithm assertions may use."""
    if post.get("key_source") == "upload":
        return
    if str(post.get("key_algorithm") or "RS256") not in key_algorithms(request):
        raise InvalidApplication(
            {"key_algorithm": f"One of {', '.join(key_algorithms(request))}."}
        )


def form_from_post(post: Any, client_type: ClientType) -> ApplicationForm:
    """An ApplicationForm from the posted fields of step 2 or the edit page."""
    lifetime_text = str(post.get("access_token_lifetime") or "").strip()
    if not lifetime_text:
        lifetime = None
    elif lifetime_text.isdigit():
        lifetime = int(lifetime_text)
    else:
        # Not a number: out of range, so the service layer explains the range.
        lifetime = -1
    auth = str(post.get("auth_method") or AuthMethod.SECRET.value)
    key_format: KeyFormat = "jwk" if post.get("key_format") == "jwk" else "pem"
    return ApplicationForm(
        name=str(post.get("name") or ""),
        client_type=client_type,
        auth_method=AuthMethod(auth) if auth in set(AuthMethod) else AuthMethod.NONE,
        description=str(post.get("description") or ""),
        run_as_user_id=str(post.get("run_as_user_id") or "") or None,
        scopes=list(post.getall("scopes")),
        redirect_uris=str(post.get("redirect_uris") or "").splitlines(),
        offline_access=post.get("offline_access") == "on",
        access_token_lifetime=lifetime,
        display_name=str(post.get("display_name") or ""),
        homepage_url=str(post.get("homepage_url") or ""),
        privacy_policy_url=str(post.get("privacy_policy_url") or ""),
        terms_url=str(post.get("terms_url") or ""),
        key_format=key_format,
        key_algorithm=str(post.get("key_algorithm") or "RS256"),
    )


def _text_or_upload(post: Mapping[str, Any], text_field: str, file_field: str) -> str:
    data = _uploaded_bytes(post, file_field)
    if data:
        return data.decode("utf-8", "replace")
    return str(post.get(text_field) or "")


def _uploaded_bytes(post: Mapping[str, Any], field: str) -> bytes | None:
    # A file field left empty arrives as an empty string, not an upload.
    file = getattr(post.get(field), "file", None)
    if file is None:
        return None
    # Large uploads are spooled to a temporary file; read it once and close it.
    with file:
        return bytes(file.read())


def _checked_logo(request: Request, post: Mapping[str, Any]) -> bytes | None:
    data = _uploaded_bytes(post, "logo")
    if data is None:
        return None
    try:
        check_logo(data, request.registry["vte_extapps.settings"].logo_max_bytes)
    except UnusableLogo as problem:
        raise InvalidApplication({"logo": str(problem)}) from None
    return data


def _uploaded_key(post: Mapping[str, Any]) -> str | None:
    """The public key the operator chose to bring, or None to generate a pair."""
    if post.get("key_source") != "upload":
        return None
    text = _text_or_upload(post, "public_key", "public_key_file").strip()
    if not text:
        raise InvalidApplication({"public_key": NO_KEY_GIVEN})
    return text


def create_from_post(
    request: Request, post: Any, client_type: ClientType
) -> IssuedCredentials:
    """Register the application step 2 describes; raises InvalidApplication."""
    logo = _checked_logo(request, post)
    if post.get("auth_method") == AuthMethod.JWT.value:
        _check_key_algorithm(request, post)
    form = form_from_post(post, client_type)
    if form.auth_method is AuthMethod.JWT:
        form.public_key = _uploaded_key(post)
    issued = create_application(request, form)
    if logo is not None:
        set_logo(request, issued.application, logo)
    return issued


def add_key_from_post(
    request: Request, application: Application, post: Any
) -> GeneratedKeyPair | None:
    """Add the uploaded public key, or generate the pair the form asks for."""
    _check_key_algorithm(request, post)
    return add_key(
        request,
        application,
        public_key=_uploaded_key(post),
        algorithm=str(post.get("key_algorithm") or "RS256"),
        key_format="jwk" if post.get("key_format") == "jwk" else "pem",
    )


def update_from_post(
    request: Request, application: Application, post: Any
) -> IssuedCredentials:
    """Apply the edit page; raises InvalidApplication and then changes nothing.

    The credentials come back when the authentication method changed, to be
    shown once.
    """
    logo = _checked_logo(request, post)
    form = form_from_post(post, application.client_type)
    method = form.auth_method
    form.auth_method = application.auth_method
    switching = (
        application.client_type is not ClientType.MOBILE
        and method is not application.auth_method
    )
    if switching and method is AuthMethod.JWT:
        _check_key_algorithm(request, post)
    db = request.extapps_db
    # A savepoint: a key refused after the first changes undoes them all.
    with db.begin_nested():
        update_application(request, application, form)
        issued = IssuedCredentials(application)
        if switching:
            issued = change_auth_method(
                request,
                application,
                method,
                public_key=_uploaded_key(post) if method is AuthMethod.JWT else None,
                algorithm=form.key_algorithm,
                key_format=form.key_format,
            )
        if logo is not None:
            set_logo(request, application, logo)
        elif post.get("remove_logo") == "on":
            remove_logo(request, application)
    return issued


def form_values(application: Application | None) -> dict[str, Any]:
    """What the form's fields show: the application's values, or the defaults."""
    if application is None:
        return {
            "auth_method": AuthMethod.SECRET.value,
            "key_source": "generate",
            "key_format": "pem",
            "key_algorithm": "RS256",
            "scopes": [],
            "redirect_uris": "",
        }
    values = {
        name: getattr(application, name)
        for name in (
            "name", "description", "run_as_user_id", "offline_access",
            "display_name", "homepage_url", "privacy_policy_url", "terms_url",
            "scopes",
        )
    }  # fmt: skip
    values["auth_method"] = application.auth_method.value
    values["key_source"] = "generate"
    values["access_token_lifetime"] = application.access_token_lifetime or ""
    values["redirect_uris"] = "\n".join(application.redirect_uris)
    return values


def posted_values(post: Any) -> dict[str, Any]:
    """The posted fields, to show them again next to their errors."""
    values = {name: value for name, value in post.items() if isinstance(value, str)}
    values["scopes"] = post.getall("scopes")
    values["offline_access"] = post.get("offline_access") == "on"
    return values


def scope_choices(request: Request) -> list[Scope]:
    return list(scope_catalog(request.registry))


@dataclasses.dataclass(frozen=True, slots=True)
class RunAsChoices:
    """What the run-as picker lists, and the line under its search box."""

    users: Sequence[DirectoryUser]
    summary: str


def run_as_choices(
    request: Request, selected: str | None, search: str = ""
) -> RunAsChoices:
    """Active users matching ``search``; the current choice stays listed."""
    directory = user_directory(request.registry)
    text = search.strip()
    found = [
        user
        for user in directory.search(request, text, limit=RUN_AS_CHOICES)
        if user.active
    ]
    users = list(found)
    if selected and all(user.id != selected for user in users):
        current = directory.get_user(request, selected)
        if current is not None:
            users.insert(0, current)
    if not text:
        summary = "Type a name, user name or email to find the user."
    else:
        summary = "1 user found." if len(found) == 1 else f"{len(found)} users found."
    return RunAsChoices(users, summary)


def user_search(request: Request, text: str) -> list[dict[str, str]]:
    """What the picker's live search receives: ids and labels of active users."""
    directory = user_directory(request.registry)
    return [
        {"id": user.id, "label": user_label(user)}
        for user in directory.search(request, text.strip(), limit=RUN_AS_CHOICES)
        if user.active
    ]


def user_label(user: DirectoryUser) -> str:
    """How the picker names a user."""
    label = f"{user.display_name} ({user.email})" if user.email else user.display_name
    return label if user.active else f"{label} — deactivated"


def user_names(request: Request, user_ids: Sequence[str | None]) -> dict[str, str]:
    """Display names by user id, asking the directory once per user."""
    directory = user_directory(request.registry)
    names = {}
    for user_id in dict.fromkeys(user_ids):
        if user_id:
            user = directory.get_user(request, user_id)
            names[user_id] = user.display_name if user is not None else user_id
    return names
