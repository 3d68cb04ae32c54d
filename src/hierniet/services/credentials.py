"""Channel credentials: encrypted at rest, decrypted only for a connector, shown only masked.

The secrets of a channel (a page token, an app secret, ...) are one JSON object, encrypted with Fernet
(AES-128-CBC + HMAC-SHA256, from `cryptography`) under the key in HIERNIET_CREDENTIALS_KEY, and stored in
`channels.credentials_ciphertext`. The key never goes into the database, so a leaked database or backup
leaks no tokens. Several keys (comma-separated) allow rotation: the first encrypts, all decrypt.
The desk and the CLI show `credentials_hint`: the last four characters of each secret (`••••abcd`),
kept beside the ciphertext so listing channels needs no key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from hierniet.settings import Settings

MASK = "••••"

_MAKE_KEY = (
    "make one with `hierniet channel key` and set it as HIERNIET_CREDENTIALS_KEY "
    "(keep it outside the database and its backups)"
)


class CredentialsError(ValueError):
    """No key, a bad key, or ciphertext that this key cannot open; the message says how to fix it."""


def new_key() -> str:
    """A fresh Fernet key (URL-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode()


def _cipher(settings: Settings) -> MultiFernet:
    raw = (settings.credentials_key or "").strip()
    if not raw:
        raise CredentialsError(
            f"HIERNIET_CREDENTIALS_KEY is not set, so no channel credentials can be kept: {_MAKE_KEY}"
        )
    keys = []
    for number, part in enumerate((p.strip() for p in raw.split(",") if p.strip()), start=1):
        try:
            keys.append(Fernet(part.encode()))
        except (ValueError, TypeError):
            raise CredentialsError(
                f"HIERNIET_CREDENTIALS_KEY (key {number}) is not a Fernet key (44 characters of URL-safe base64): "
                f"{_MAKE_KEY}"
            ) from None
    return MultiFernet(keys)


def require_key(settings: Settings) -> None:
    """Raise CredentialsError (saying how to make one) unless a usable key is configured."""
    _cipher(settings)


def encrypt(settings: Settings, secrets: Mapping[str, str]) -> str:
    """The ciphertext of `secrets` (a name -> value mapping) under the first configured key."""
    cleaned = {str(k): str(v) for k, v in secrets.items()}
    return _cipher(settings).encrypt(json.dumps(cleaned, sort_keys=True).encode()).decode()


def decrypt(settings: Settings, ciphertext: str | None) -> dict[str, str]:
    """The secrets in `ciphertext` ({} when there is none)."""
    if not ciphertext:
        return {}
    try:
        plain = _cipher(settings).decrypt(ciphertext.encode())
    except InvalidToken:
        raise CredentialsError(
            "the channel's credentials cannot be decrypted with HIERNIET_CREDENTIALS_KEY: it is not the key they "
            "were stored with (put the old key after the new one, comma-separated), or store them again with "
            "`hierniet channel add`"
        ) from None
    data = json.loads(plain)
    if not isinstance(data, dict):
        raise CredentialsError("the decrypted credentials are not a JSON object: store them again")
    return {str(k): str(v) for k, v in data.items()}


def mask(value: str) -> str:
    """`••••abcd`: the last four characters only, and none of a secret shorter than twelve."""
    return MASK + (value[-4:] if len(value) >= 12 else "")


def hints(secrets: Mapping[str, str]) -> dict[str, str]:
    """The masked form of each secret, by name (what the store keeps in clear beside the ciphertext)."""
    return {name: mask(value) for name, value in secrets.items()}


def rotate(settings: Settings, ciphertext: str) -> str:
    """The ciphertext re-encrypted under the first key (after adding a new key in front)."""
    return _cipher(settings).rotate(ciphertext.encode()).decode()
