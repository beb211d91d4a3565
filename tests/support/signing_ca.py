"""A throw-away certificate authority for the signature tests: a root, a signer certificate it
issues (the chairman's), and the PKCS#12 file a signing service loads. Made with `cryptography`
at test time; nothing is committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSPHRASE = b"mat-khau-thu"


@dataclass(frozen=True)
class ThrowawayCA:
    root_pem: Path
    signer_p12: Path
    signer_name: str


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_ca(folder: Path, label: str = "Test CA", signer: str = "Trần Văn Bình") -> ThrowawayCA:
    """A root CA and one signer certificate, written as `<label>-root.pem` and `<label>-signer.p12`."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name(label, "tdkt tests")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer, "UBND xã Thanh Oai"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    slug = label.lower().replace(" ", "-")
    root_pem = folder / f"{slug}-root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    p12 = folder / f"{slug}-signer.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", key, cert, [root], serialization.BestAvailableEncryption(PASSPHRASE)
        )
    )
    return ThrowawayCA(root_pem, p12, signer)
