"""Making and checking credentials: tokens, client secrets and client keys.

Everything secret is drawn from ``secrets`` and kept only as a SHA-256 digest.
Keys are parsed and serialized by cryptography and PyJWT, never by hand.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import secrets
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

# Readable prefixes let secret scanners spot a leaked credential.
ACCESS_TOKEN_PREFIX = "vtea_"
REFRESH_TOKEN_PREFIX = "vter_"
AUTHORIZATION_CODE_PREFIX = "vtec_"
CLIENT_SECRET_PREFIX = "vtes_"
CLIENT_ID_PREFIX = "vte_"

# 32 bytes: 256 bits from the CSPRNG, twice what RFC 6749 10.10 asks.
TOKEN_BYTES = 32

KeyFormat = Literal["pem", "jwk"]

#: The curve each EC signing algorithm is defined on (RFC 7518 3.4).
EC_ALGORITHM_FOR_CURVE = {
    "secp256r1": "ES256",
    "secp384r1": "ES384",
    "secp521r1": "ES512",
}
MIN_RSA_BITS = 2048


class UnusableKey(ValueError):
    """A key that cannot be used, with a message fit to show the operator."""


def new_token(prefix: str) -> str:
    """A fresh opaque credential: prefix plus 256 random bits in base64url."""
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def new_client_id() -> str:
    # Public, but unguessable ids keep enumeration pointless.
    return CLIENT_ID_PREFIX + secrets.token_hex(12)


def digest(credential: str) -> str:
    """The SHA-256 hex digest under which a credential is stored.

    Credentials carry 256 random bits, so a fast hash is enough: there is
    nothing to brute-force, unlike a password.
    """
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()


def digests_match(candidate: str, stored: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(candidate.encode("ascii"), stored.encode("ascii"))


@dataclasses.dataclass(frozen=True, slots=True)
class PublicKey:
    """A client's public key, ready to store."""

    jwk: dict[str, Any]
    algorithm: str
    kid: str
    thumbprint: str


@dataclasses.dataclass(frozen=True, slots=True)
class GeneratedKeyPair:
    """A key pair made for a client; only ``public`` is ever stored."""

    public: PublicKey
    private_key: str = dataclasses.field(repr=False)
    key_format: KeyFormat = "pem"

    def __repr__(self) -> str:
        return f"GeneratedKeyPair(kid={self.public.kid!r}, private_key=<hidden>)"


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 thumbprint of a public JWK, in base64url."""
    required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}.get(
        jwk["kty"], ("crv", "kty", "x")
    )
    canonical = json.dumps(
        {name: jwk[name] for name in required}, separators=(",", ":"), sort_keys=True
    )
    raw = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


PublicKeyTypes = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


def _algorithm_for(key: PublicKeyTypes, wanted: str | None) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise UnusableKey(f"RSA keys need at least {MIN_RSA_BITS} bits")
        choice = wanted or "RS256"
        if choice not in {"RS256", "PS256"}:
            raise UnusableKey(f"an RSA key signs with RS256 or PS256, not {choice}")
        return choice
    if isinstance(key, ec.EllipticCurvePublicKey):
        algorithm = EC_ALGORITHM_FOR_CURVE.get(key.curve.name)
        if algorithm is None:
            raise UnusableKey("EC keys must be on P-256, P-384 or P-521")
        if wanted and wanted != algorithm:
            raise UnusableKey(
                f"a key on this curve signs with {algorithm}, not {wanted}"
            )
        return algorithm
    if isinstance(key, ed25519.Ed25519PublicKey):
        if wanted and wanted != "EdDSA":
            raise UnusableKey(f"an Ed25519 key signs with EdDSA, not {wanted}")
        return "EdDSA"
    raise UnusableKey("only RSA, EC and Ed25519 keys are supported")


def _public_jwk(key: PublicKeyTypes) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPublicKey):
        return RSAAlgorithm.to_jwk(key, as_dict=True)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ECAlgorithm.to_jwk(key, as_dict=True)
    return OKPAlgorithm.to_jwk(key, as_dict=True)


def public_key_from_object(
    key: PublicKeyTypes, algorithm: str | None = None, kid: str | None = None
) -> PublicKey:
    alg = _algorithm_for(key, algorithm)
    jwk = {
        name: value
        for name, value in _public_jwk(key).items()
        if name in {"kty", "crv", "x", "y", "n", "e"}
    }
    thumbprint = jwk_thumbprint(jwk)
    kid = kid or thumbprint
    return PublicKey(
        jwk={**jwk, "kid": kid, "alg": alg, "use": "sig"},
        algorithm=alg,
        kid=kid,
        thumbprint=thumbprint,
    )


def load_public_key(text: str, algorithm: str | None = None) -> PublicKey:
    """Parse an uploaded public key, PEM or JWK; the same key loads the same.

    Private keys and symmetric keys are refused: the CRM must never hold a
    client's signing secret.
    """
    text = text.strip()
    if not text:
        raise UnusableKey("paste or upload a public key, as PEM or JWK")
    if text.startswith("{"):
        return _load_jwk(text, algorithm)
    if "PRIVATE KEY" in text:
        raise UnusableKey("that is a private key; upload only the public key")
    try:
        key = serialization.load_pem_public_key(text.encode("utf-8"))
    except (ValueError, TypeError):
        raise UnusableKey("not a PEM public key or a JWK") from None
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey) and not (
        isinstance(key, ed25519.Ed25519PublicKey)
    ):
        raise UnusableKey("only RSA, EC and Ed25519 keys are supported")
    return public_key_from_object(key, algorithm)


def _load_jwk(text: str, algorithm: str | None) -> PublicKey:
    try:
        data = json.loads(text)
    except ValueError:
        raise UnusableKey("not valid JSON for a JWK") from None
    if not isinstance(data, dict):
        raise UnusableKey("a JWK is a JSON object")
    if data.get("kty") == "oct":
        raise UnusableKey(
            "symmetric keys are refused; upload an RSA, EC or Ed25519 key"
        )
    if any(name in data for name in ("d", "p", "q", "dp", "dq", "qi", "k")):
        raise UnusableKey("that JWK holds a private key; upload only the public part")
    if data.get("kty") == "OKP" and data.get("crv") != "Ed25519":
        raise UnusableKey("only the Ed25519 OKP curve is supported")
    try:
        key = jwt.PyJWK(data).key
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError):
        raise UnusableKey("that JWK is not a usable public key") from None
    if not isinstance(
        key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
    ):
        raise UnusableKey("only RSA, EC and Ed25519 public keys are supported")
    kid = data.get("kid")
    if kid is not None and (not isinstance(kid, str) or not 0 < len(kid) <= 128):
        raise UnusableKey("the JWK's kid must be text of at most 128 characters")
    return public_key_from_object(key, algorithm or data.get("alg"), kid)


def generate_key_pair(
    algorithm: str = "RS256", key_format: KeyFormat = "pem"
) -> GeneratedKeyPair:
    """A new key pair for a client; the caller hands out the private half once."""
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    if algorithm in {"RS256", "PS256"}:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif algorithm == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        raise UnusableKey(f"cannot generate keys for {algorithm}")
    public = public_key_from_object(private.public_key(), algorithm)
    if key_format == "jwk":
        if isinstance(private, rsa.RSAPrivateKey):
            jwk = RSAAlgorithm.to_jwk(private, as_dict=True)
        elif isinstance(private, ec.EllipticCurvePrivateKey):
            jwk = ECAlgorithm.to_jwk(private, as_dict=True)
        else:
            jwk = OKPAlgorithm.to_jwk(private, as_dict=True)
        jwk.update(kid=public.kid, alg=public.algorithm, use="sig")
        private_text = json.dumps(jwk, indent=2)
    else:
        private_text = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
    return GeneratedKeyPair(
        public=public, private_key=private_text, key_format=key_format
    )
