"""Credentials: random enough, stored as digests, keys loaded the same either way."""

from __future__ import annotations

import json
import re
import string

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from vte_extapps.credentials import (
    ACCESS_TOKEN_PREFIX,
    CLIENT_SECRET_PREFIX,
    UnusableKey,
    digest,
    generate_key_pair,
    load_public_key,
    new_token,
)

UNRESERVED = set(string.ascii_letters + string.digits + "-._~")


def _pem(public_key: object) -> str:
    return public_key.public_bytes(  # type: ignore[attr-defined,no-any-return]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_tokens_carry_256_random_bits_in_unreserved_characters() -> None:
    token = new_token(CLIENT_SECRET_PREFIX)
    body = token.removeprefix(CLIENT_SECRET_PREFIX)
    assert len(body) >= 43  # 32 bytes in base64url
    assert set(token) <= UNRESERVED
    assert new_token(CLIENT_SECRET_PREFIX) != token


def test_a_digest_is_sha256_hex_and_never_the_token() -> None:
    token = new_token(ACCESS_TOKEN_PREFIX)
    stored = digest(token)
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert token not in stored


@pytest.mark.parametrize(
    ("private", "algorithm"),
    [
        (rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256"),
        (ec.generate_private_key(ec.SECP256R1()), "ES256"),
        (ec.generate_private_key(ec.SECP384R1()), "ES384"),
        (ec.generate_private_key(ec.SECP521R1()), "ES512"),
        (ed25519.Ed25519PrivateKey.generate(), "EdDSA"),
    ],
    ids=["rsa", "p256", "p384", "p521", "ed25519"],
)
def test_the_same_key_as_pem_or_jwk_loads_the_same(
    private: object, algorithm: str
) -> None:
    public = private.public_key()  # type: ignore[attr-defined]
    to_jwk = {"RS256": RSAAlgorithm, "EdDSA": OKPAlgorithm}.get(algorithm, ECAlgorithm)
    from_pem = load_public_key(_pem(public))
    from_jwk = load_public_key(to_jwk.to_jwk(public))
    assert from_pem.thumbprint == from_jwk.thumbprint
    assert from_pem.algorithm == from_jwk.algorithm == algorithm


def test_small_rsa_keys_are_refused() -> None:
    # A weak key on purpose: the loader must refuse it.
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    with pytest.raises(UnusableKey, match="2048"):
        load_public_key(_pem(small.public_key()))


def test_private_and_symmetric_keys_are_refused() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(UnusableKey, match="private"):
        load_public_key(ECAlgorithm.to_jwk(private))
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with pytest.raises(UnusableKey, match="private"):
        load_public_key(pem)
    with pytest.raises(UnusableKey, match="ymmetric"):
        load_public_key(json.dumps({"kty": "oct", "k": "c2VjcmV0"}))


@pytest.mark.parametrize("text", ["", "hello", "{not json", "[1, 2]", '{"kty": "RSA"}'])
def test_garbage_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(UnusableKey):
        load_public_key(text)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
@pytest.mark.parametrize("key_format", ["pem", "jwk"])
def test_generated_pairs_hide_the_private_key_from_repr(
    algorithm: str, key_format: str
) -> None:
    pair = generate_key_pair(algorithm, key_format)  # type: ignore[arg-type]
    assert pair.private_key not in repr(pair)
    assert "d" not in pair.public.jwk
    assert pair.public.algorithm == algorithm
    if key_format == "jwk":
        assert json.loads(pair.private_key)["kid"] == pair.public.kid
    else:
        assert pair.private_key.startswith("-----BEGIN PRIVATE KEY-----")
