"""Personal data at rest: the event stores are encrypted with eventsourcing's AES-GCM cipher.

`TDKT_PII_KEY` (base64, 32 bytes) encrypts every stored event and snapshot of the
event-sourced services (nominees' names, ID numbers, dates of birth, ratings, discipline all
live in those events). `TDKT_PII_OLD_KEYS` (comma-separated) are earlier keys still tried when
reading, so a key can be rotated without rewriting the store first (docs/security.md).
Without `TDKT_PII_KEY` nothing is encrypted (most tests), except where the var folder holds the
development key `tdkt up` made with its stores (`pii.key`).
"""

from __future__ import annotations

from base64 import b64decode
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

OLD_KEYS = "CIPHER_OLD_KEYS"
SENSITIVE_NOMINEE_FIELDS = frozenset({"id_number", "date_of_birth"})
"""Stored (encrypted) but never published, and shown only to `PII_READERS`."""
PII_READERS = frozenset({"desk_clerk", "council_secretariat", "chairman", "auditor"})
"""Roles whose work needs a nominee's ID number and date of birth (receiving, appraising,
deciding, inspecting); every other role sees them masked."""


class RotatingAESCipher(AESCipher):
    """AES-GCM with the current key; reading also tries the previous keys."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        old = environment.get(OLD_KEYS) or ""
        self.old_keys = [b64decode(k.strip()) for k in old.split(",") if k.strip()]
        for key in self.old_keys:
            AESCipher.check_key_size(len(key))

    def decrypt(self, ciphertext: bytes) -> bytes:
        try:
            return super().decrypt(ciphertext)
        except ValueError:
            pass  # not the current key (AESCipher turns InvalidTag into ValueError)
        nonce, tag, encrypted = ciphertext[:12], ciphertext[12:28], ciphertext[28:]
        for key in self.old_keys:
            try:
                return AESGCM(key).decrypt(nonce, encrypted + tag, None)
            except InvalidTag:
                continue
        raise ValueError("stored data cannot be decrypted with the current or any previous key (TDKT_PII_KEY)")


DEV_KEY_FILE = "pii.key"
"""`tdkt up`'s key, in its var folder: used when `TDKT_PII_KEY` is not set and the file exists."""


def cipher_env(environ: Mapping[str, str], var_dir: Path | None = None) -> dict[str, str]:
    """The eventsourcing settings that switch the cipher on, from `TDKT_PII_KEY` (or the var
    folder's development key file, so every tool opening `make up`'s stores reads them)."""
    key = environ.get("TDKT_PII_KEY")
    if not key and var_dir is not None and (var_dir / DEV_KEY_FILE).is_file():
        key = (var_dir / DEV_KEY_FILE).read_text(encoding="utf-8").strip()
    if not key:
        return {}
    env = {"CIPHER_TOPIC": "shared.pii:RotatingAESCipher", "CIPHER_KEY": key}
    if environ.get("TDKT_PII_OLD_KEYS"):
        env[OLD_KEYS] = environ["TDKT_PII_OLD_KEYS"]
    return env


def mask_nominee(nominee: dict[str, object]) -> dict[str, object]:
    return {k: ("***" if k in SENSITIVE_NOMINEE_FIELDS and v else v) for k, v in nominee.items()}
