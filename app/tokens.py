"""Random tokens and codes, and the keyed digests they are stored as.

Links, typed-in codes, draft keys and set-password tokens are never stored: only an
HMAC-SHA256 of each, keyed with a server secret (`TOKEN_HASH_KEY`, or a key derived from
`SECRET_KEY` when it is not set). Someone with a copy of the database but not the secret
cannot test guesses against the digests, even for short codes.

Digests stored before keyed digests were introduced were plain SHA-256; lookups accept
those too (`digests()`), so links and codes already sent keep working until they expire.

What must be read back later (an upload's links and codes for a few hours, the key of an
invitation's answers in progress) is encrypted with `encrypt()`: Fernet (AES with an HMAC, from
the `cryptography` package), with a key derived from the same server secret for each purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

#: Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B):
#: survey codes and confirmation references.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def random_code(length: int) -> str:
    """`length` characters from ALPHABET, from the system's secure random source."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _key() -> bytes:
    configured = current_app.config.get("TOKEN_HASH_KEY")
    if configured:
        return str(configured).encode()
    # A key of its own, derived from SECRET_KEY, so session signing and stored digests never share one.
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"stored-token-digests", hashlib.sha256).digest()


def digest(value: str) -> str:
    """How a token or code is stored: HMAC-SHA256 with the server's key, as hex (64 characters)."""
    return hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()


def legacy_digest(value: str) -> str:
    """Plain SHA-256, as digests were stored before they were keyed."""
    return hashlib.sha256(value.encode()).hexdigest()


def digests(value: str) -> tuple[str, str]:
    """Every digest `value` may be stored as (keyed first), for lookups."""
    return digest(value), legacy_digest(value)


def _fernet(purpose: str) -> Fernet:
    """A Fernet key of its own for each purpose, derived from the server's key."""
    derived = hmac.new(_key(), b"encrypt:" + purpose.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(text: str, purpose: str) -> str:
    """`text` encrypted (and authenticated) with the server's key for `purpose`."""
    return _fernet(purpose).encrypt(text.encode()).decode()


def decrypt(sealed: str, purpose: str, max_age_seconds: int | None = None) -> str | None:
    """The text `encrypt()` sealed for `purpose`, or None when it is not genuine or older than `max_age_seconds`."""
    try:
        return _fernet(purpose).decrypt(sealed.encode(), ttl=max_age_seconds).decode()
    except (InvalidToken, ValueError):
        return None
