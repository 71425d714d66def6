"""Registering, changing and retiring applications, and their credentials."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from urllib.parse import urlsplit

from pyramid.request import Request
from sqlalchemy import select, update

from .. import audit
from ..credentials import (
    CLIENT_SECRET_PREFIX,
    GeneratedKeyPair,
    KeyFormat,
    PublicKey,
    UnusableKey,
    digest,
    generate_key_pair,
    load_public_key,
    new_client_id,
    new_token,
)
from ..directives import scope_catalog, user_directory
from ..models import (
    Application,
    ApplicationStatus,
    AuthMethod,
    ClientKey,
    ClientSecret,
    ClientType,
    utcnow,
)
from ..settings import SUPPORTED_JWT_ALGORITHMS
from .redirect_uris import redirect_uri_problem
from .tokens import revoke_application_tokens

MIN_ACCESS_TOKEN_LIFETIME = 60
MAX_ACCESS_TOKEN_LIFETIME = 24 * 3600
GENERATED_KEY_ALGORITHMS = ("RS256", "ES256", "EdDSA")


class InvalidApplication(ValueError):
    """The form has mistakes; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            "; ".join(f"{field}: {text}" for field, text in errors.items())
        )
        self.errors = errors


@dataclasses.dataclass
class ApplicationForm:
    """What an operator fills in to register or edit an application."""

    name: str
    client_type: ClientType
    auth_method: AuthMethod = AuthMethod.SECRET
    description: str = ""
    run_as_user_id: str | None = None
    scopes: Sequence[str] = ()
    redirect_uris: Sequence[str] = ()
    offline_access: bool = False
    access_token_lifetime: int | None = None
    display_name: str = ""
    homepage_url: str = ""
    privacy_policy_url: str = ""
    terms_url: str = ""
    #: For JWT-signed authentication: generate a key pair in this format...
    key_format: KeyFormat = "pem"
    key_algorithm: str = "RS256"
    #: ...or keep this uploaded public key instead (PEM or JWK).
    public_key: str | None = None


@dataclasses.dataclass(frozen=True)
class IssuedCredentials:
    """What the operator sees once, right after saving; never stored."""

    application: Application
    client_secret: str | None = dataclasses.field(default=None, repr=False)
    key_pair: GeneratedKeyPair | None = None


def _validate(request: Request, form: ApplicationForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    form.name = form.name.strip()
    if not form.name or len(form.name) > 200:
        errors["name"] = "Give the application a name of up to 200 characters."

    if form.client_type is ClientType.MOBILE:
        form.auth_method = AuthMethod.NONE
    elif form.auth_method is AuthMethod.NONE:
        errors["auth_method"] = "Choose Secret key or JWT signed."

    if form.client_type is ClientType.SERVICE:
        _check_run_as_user(request, form, errors)
        if form.redirect_uris:
            errors["redirect_uris"] = "A service account has no redirect URLs."
        if form.offline_access:
            errors["offline_access"] = (
                "A service account gets new tokens itself; it has no offline access."
            )
    else:
        form.run_as_user_id = None
        _check_redirect_uris(form, errors)

    catalog = scope_catalog(request.registry)
    unknown = [scope for scope in form.scopes if scope not in catalog]
    if unknown:
        errors["scopes"] = f"Unknown scope: {', '.join(unknown)}."
    elif not form.scopes:
        errors["scopes"] = "Choose at least one scope."

    lifetime = form.access_token_lifetime
    if lifetime is not None and not (
        MIN_ACCESS_TOKEN_LIFETIME <= lifetime <= MAX_ACCESS_TOKEN_LIFETIME
    ):
        errors["access_token_lifetime"] = (
            f"Between {MIN_ACCESS_TOKEN_LIFETIME} seconds and "
            f"{MAX_ACCESS_TOKEN_LIFETIME // 3600} hours."
        )

    for field in ("homepage_url", "privacy_policy_url", "terms_url"):
        value = getattr(form, field).strip()
        setattr(form, field, value)
        if value and not _is_web_link(value):
            errors[field] = "An http or https link, such as https://example.com/."
    if len(form.display_name) > 200:
        errors["display_name"] = "Up to 200 characters."
    if form.key_algorithm not in SUPPORTED_JWT_ALGORITHMS:
        errors["key_algorithm"] = f"One of {', '.join(SUPPORTED_JWT_ALGORITHMS)}."
    return errors


def _check_run_as_user(
    request: Request, form: ApplicationForm, errors: dict[str, str]
) -> None:
    if not form.run_as_user_id:
        errors["run_as_user_id"] = "A service account acts as a CRM user: pick one."
        return
    user = user_directory(request.registry).get_user(request, form.run_as_user_id)
    if user is None or not user.active:
        errors["run_as_user_id"] = "No active CRM user has that id."


def _check_redirect_uris(form: ApplicationForm, errors: dict[str, str]) -> None:
    uris = [uri.strip() for uri in form.redirect_uris if uri.strip()]
    if not uris:
        errors["redirect_uris"] = "Add the URL the application receives its codes at."
        return
    for uri in uris:
        problem = redirect_uri_problem(uri, form.client_type)
        if problem:
            errors["redirect_uris"] = problem
            return
    form.redirect_uris = list(dict.fromkeys(uris))


def _is_web_link(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and (parts.username is None)
    )


def _public_key_for(form: ApplicationForm) -> tuple[PublicKey, GeneratedKeyPair | None]:
    if form.public_key and form.public_key.strip():
        return load_public_key(form.public_key), None
    if form.key_algorithm not in GENERATED_KEY_ALGORITHMS:
        raise UnusableKey(
            f"keys are generated for {', '.join(GENERATED_KEY_ALGORITHMS)}"
        )
    pair = generate_key_pair(form.key_algorithm, form.key_format)
    return pair.public, pair


def create_application(request: Request, form: ApplicationForm) -> IssuedCredentials:
    """Register an application and hand out its credentials, once."""
    errors = _validate(request, form)
    public_key = pair = None
    if not errors and form.auth_method is AuthMethod.JWT:
        try:
            public_key, pair = _public_key_for(form)
        except UnusableKey as problem:
            errors["public_key"] = str(problem).capitalize() + "."
    if errors:
        raise InvalidApplication(errors)

    actor = audit.actor_of(request)
    application = Application(
        client_id=new_client_id(),
        name=form.name,
        description=form.description.strip(),
        client_type=form.client_type,
        auth_method=form.auth_method,
        status=ApplicationStatus.ACTIVE,
        run_as_user_id=form.run_as_user_id,
        scopes=list(dict.fromkeys(form.scopes)),
        redirect_uris=list(form.redirect_uris),
        offline_access=form.offline_access,
        access_token_lifetime=form.access_token_lifetime,
        display_name=form.display_name.strip(),
        homepage_url=form.homepage_url,
        privacy_policy_url=form.privacy_policy_url,
        terms_url=form.terms_url,
        created_by=actor,
        updated_by=actor,
    )
    secret = None
    if form.auth_method is AuthMethod.SECRET:
        secret = new_token(CLIENT_SECRET_PREFIX)
        application.secrets.append(ClientSecret(digest=digest(secret)))
    if public_key is not None:
        application.keys.append(_key_row(public_key))
    db = request.extapps_db
    db.add(application)
    db.flush()
    audit.record(
        request,
        audit.ApplicationCreated,
        application,
        client_type=form.client_type.value,
        auth_method=form.auth_method.value,
    )
    return IssuedCredentials(application, client_secret=secret, key_pair=pair)


def update_application(
    request: Request, application: Application, form: ApplicationForm
) -> Application:
    """Change everything but the client type, the id and the credentials."""
    form.client_type = application.client_type
    errors = _validate(request, form)
    if form.auth_method is not application.auth_method:
        errors["auth_method"] = (
            "The authentication method is fixed; "
            "register a new application to change it."
        )
    if errors:
        raise InvalidApplication(errors)

    changed = []
    for field in (
        "name", "description", "run_as_user_id", "offline_access",
        "access_token_lifetime", "display_name", "homepage_url",
        "privacy_policy_url", "terms_url",
    ):  # fmt: skip
        value = getattr(form, field)
        if isinstance(value, str) and field not in {"run_as_user_id"}:
            value = value.strip()
        if getattr(application, field) != value:
            setattr(application, field, value)
            changed.append(field)
    for field in ("scopes", "redirect_uris"):
        value = list(dict.fromkeys(getattr(form, field)))
        if getattr(application, field) != value:
            setattr(application, field, value)
            changed.append(field)
    if changed:
        application.updated_by = audit.actor_of(request)
        request.extapps_db.flush()
        audit.record(request, audit.ApplicationChanged, application, fields=changed)
    return application


def set_active(request: Request, application: Application, active: bool) -> int:
    """Deactivate or activate an application; returns the tokens revoked.

    Deactivation revokes every live token (SECURITY G4): activating the
    application again gives nothing back, and its users connect anew.
    """
    status = ApplicationStatus.ACTIVE if active else ApplicationStatus.DEACTIVATED
    if application.status is status:
        return 0
    application.status = status
    application.updated_by = audit.actor_of(request)
    request.extapps_db.flush()
    if active:
        audit.record(request, audit.ApplicationActivated, application)
        return 0
    revoked = revoke_application_tokens(request.extapps_db, application.id)
    audit.record(
        request, audit.ApplicationDeactivated, application, revoked_count=revoked
    )
    return revoked


def delete_application(request: Request, application: Application) -> None:
    audit.record(request, audit.ApplicationDeleted, application, name=application.name)
    request.extapps_db.delete(application)
    request.extapps_db.flush()


def rotate_secret(
    request: Request, application: Application, overlap: int | None = None
) -> str:
    """A new secret; the current ones keep working for ``overlap`` seconds."""
    if application.auth_method is not AuthMethod.SECRET:
        raise InvalidApplication(
            {"auth_method": "Only applications with a secret key have a secret."}
        )
    if overlap is None:
        overlap = request.registry["vte_extapps.settings"].secret_rotation_overlap
    now = utcnow()
    ends = now + datetime.timedelta(seconds=overlap)
    db = request.extapps_db
    db.execute(
        update(ClientSecret)
        .where(
            ClientSecret.application_id == application.id,
            (ClientSecret.expires_at.is_(None)) | (ClientSecret.expires_at > ends),
        )
        .values(expires_at=ends)
    )
    secret = new_token(CLIENT_SECRET_PREFIX)
    db.add(ClientSecret(application_id=application.id, digest=digest(secret)))
    db.flush()
    db.expire(application, ["secrets"])
    audit.record(request, audit.SecretRotated, application, overlap_seconds=overlap)
    return secret


def revoke_secret(request: Request, application: Application, secret_id: int) -> bool:
    """End one of the application's live secrets now; False if there is none."""
    now = utcnow()
    ended = request.extapps_db.execute(
        update(ClientSecret)
        .where(
            ClientSecret.id == secret_id,
            ClientSecret.application_id == application.id,
            (ClientSecret.expires_at.is_(None)) | (ClientSecret.expires_at > now),
        )
        .values(expires_at=now)
    )
    if not ended.rowcount:
        return False
    request.extapps_db.expire(application, ["secrets"])
    audit.record(request, audit.SecretRevoked, application, secret_id=secret_id)
    return True


def add_key(
    request: Request,
    application: Application,
    *,
    public_key: str | None = None,
    algorithm: str = "RS256",
    key_format: KeyFormat = "pem",
) -> GeneratedKeyPair | None:
    """Upload a public key, or generate a pair and return it (once)."""
    if application.auth_method is not AuthMethod.JWT:
        raise InvalidApplication(
            {"public_key": "Only JWT-signed applications hold keys."}
        )
    form = ApplicationForm(
        name=application.name,
        client_type=application.client_type,
        public_key=public_key,
        key_algorithm=algorithm,
        key_format=key_format,
    )
    try:
        key, pair = _public_key_for(form)
    except UnusableKey as problem:
        raise InvalidApplication(
            {"public_key": str(problem).capitalize() + "."}
        ) from None
    db = request.extapps_db
    clash = db.scalars(
        select(ClientKey.id).where(
            ClientKey.application_id == application.id,
            (ClientKey.kid == key.kid) | (ClientKey.thumbprint == key.thumbprint),
        )
    ).first()
    if clash is not None:
        raise InvalidApplication(
            {"public_key": "This application already has that key."}
        )
    row = _key_row(key)
    row.application_id = application.id
    db.add(row)
    db.flush()
    db.expire(application, ["keys"])
    audit.record(
        request, audit.KeyAdded, application, kid=key.kid, algorithm=key.algorithm
    )
    return pair


def remove_key(request: Request, application: Application, kid: str) -> bool:
    key = request.extapps_db.scalars(
        select(ClientKey).where(
            ClientKey.application_id == application.id, ClientKey.kid == kid
        )
    ).first()
    if key is None:
        return False
    request.extapps_db.delete(key)
    request.extapps_db.flush()
    request.extapps_db.expire(application, ["keys"])
    audit.record(request, audit.KeyRemoved, application, kid=kid)
    return True


def revoke_all_tokens(request: Request, application: Application) -> int:
    """End every live token of the application; returns how many."""
    count = revoke_application_tokens(request.extapps_db, application.id)
    audit.record(request, audit.TokenRevoked, application, revoked_count=count)
    return count


def _key_row(key: PublicKey) -> ClientKey:
    return ClientKey(
        kid=key.kid,
        algorithm=key.algorithm,
        public_jwk=key.jwk,
        thumbprint=key.thumbprint,
    )


def find_application(request: Request, client_id: str) -> Application | None:
    return request.extapps_db.scalars(
        select(Application).where(Application.client_id == client_id)
    ).first()
