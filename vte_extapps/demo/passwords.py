"""Password hashes with scrypt from the standard library.

A hash reads ``scrypt$<n>$<r>$<p>$<salt>$<key>`` (salt and key in base64), so
the cost can be raised later without breaking the hashes already stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# RFC 7914 parameters: 16 MiB of memory and a few dozen milliseconds a check.
_COST = 2**14
_BLOCK_SIZE = 8
_PARALLELISM = 1
_KEY_LENGTH = 32


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = _derive(password, salt, _COST, _BLOCK_SIZE, _PARALLELISM)
    return "$".join(
        [
            "scrypt",
            str(_COST),
            str(_BLOCK_SIZE),
            str(_PARALLELISM),
            _b64(salt),
            _b64(key),
        ]
    )


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``, in constant time."""
    try:
        scheme, cost, block_size, parallelism, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        derived = _derive(
            password,
            base64.b64decode(salt),
            int(cost),
            int(block_size),
            int(parallelism),
        )
        return hmac.compare_digest(derived, base64.b64decode(key))
    except ValueError:
        return False


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_KEY_LENGTH
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


#: Checked against when a login names no user, so that it takes as long.
UNUSABLE_HASH = hash_password(secrets.token_urlsafe(16))
