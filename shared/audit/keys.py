"""Ed25519 keys of the signed checkpoints (`cryptography`).

Each event-sourced service signs with its own private key (`TDKT_AUDIT_SIGNING_KEY_FILE`, a PEM
file: a Kubernetes secret in production). The public keys are part of the deployment's
configuration (`TDKT_AUDIT_PUBLIC_KEYS_FILE`, JSON), so an auditor checks signatures against
keys the deployment published, not against keys a message brings along:

    {"keys": [{"service": "dossiers", "key_id": "3f2a…", "public_key": "<base64 of the 32 raw bytes>",
               "added_on": "2026-12-02"}]}

A key's id is the first 16 hex digits of the SHA-256 of its raw public key. Retired keys stay in
the file: old checkpoints remain checkable.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    service: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")

    def public_entry(self) -> dict[str, str]:
        return {
            "service": self.service,
            "key_id": self.key_id,
            "public_key": base64.b64encode(raw_public(self.public)).decode("ascii"),
            "added_on": date.today().isoformat(),
        }

    @classmethod
    def generate(cls, service: str) -> SigningKey:
        return cls(Ed25519PrivateKey.generate(), service)

    @classmethod
    def load(cls, path: Path, service: str) -> SigningKey:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path}: not an Ed25519 private key")
        return cls(key, service)

    def pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


@dataclass(frozen=True)
class PublicKey:
    service: str
    key_id: str
    key: Ed25519PublicKey
    added_on: str = ""

    def verify(self, signature: str, message: bytes) -> bool:
        try:
            self.key.verify(base64.b64decode(signature, validate=True), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_dict(self) -> dict[str, str]:
        return {
            "service": self.service,
            "key_id": self.key_id,
            "public_key": base64.b64encode(raw_public(self.key)).decode("ascii"),
            "added_on": self.added_on,
        }


class PublicKeySet:
    """The deployment's public keys, by key id."""

    def __init__(self, keys: list[PublicKey] | None = None) -> None:
        self.keys = {k.key_id: k for k in keys or []}

    def get(self, key_id: str) -> PublicKey | None:
        return self.keys.get(key_id)

    def for_service(self, service: str) -> list[PublicKey]:
        return [k for k in self.keys.values() if k.service == service]

    def as_dict(self) -> dict[str, Any]:
        return {"keys": [k.as_dict() for k in sorted(self.keys.values(), key=lambda k: (k.service, k.key_id))]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PublicKeySet:
        keys = []
        for entry in data.get("keys", []):
            raw = base64.b64decode(entry["public_key"], validate=True)
            key = Ed25519PublicKey.from_public_bytes(raw)
            actual = key_id_of(key)
            if entry.get("key_id") and entry["key_id"] != actual:
                raise ValueError(f"key {entry['key_id']}: its id does not match its public key ({actual})")
            keys.append(PublicKey(str(entry["service"]), actual, key, str(entry.get("added_on", ""))))
        return cls(keys)

    @classmethod
    def load(cls, path: Path | None) -> PublicKeySet:
        if path is None or not Path(path).exists():
            return cls()
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def add(self, entry: dict[str, str]) -> PublicKeySet:
        merged = self.as_dict()["keys"]
        merged = [k for k in merged if k["key_id"] != entry["key_id"]] + [entry]
        return PublicKeySet.from_dict({"keys": merged})

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def ensure_dev_keys(folder: Path, services: tuple[str, ...]) -> tuple[dict[str, Path], Path]:
    """Development only (`tdkt up`, tests): a key per service under `folder`, created when missing,
    and the public-key file listing them."""
    folder.mkdir(parents=True, exist_ok=True)
    public_file = folder / "public-keys.json"
    keys = PublicKeySet.load(public_file)
    private: dict[str, Path] = {}
    for service in services:
        path = folder / f"{service}.pem"
        if not path.exists():
            path.write_bytes(SigningKey.generate(service).pem())
            path.chmod(0o600)
        key = SigningKey.load(path, service)
        if keys.get(key.key_id) is None:
            keys = keys.add(key.public_entry())
        private[service] = path
    keys.save(public_file)
    return private, public_file
