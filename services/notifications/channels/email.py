"""Email: over SMTP with aiosmtplib, or as .eml files in a pickup directory (development).

Each message carries `Message-ID: <delivery id@tdkt.notifications>`. The delivery id is derived
from the delivery key, so the rare re-send after a crash between the server's "250 OK" and our
commit has the same Message-ID, which mail stores and clients use to drop the copy.
The pickup directory names each file after the delivery id, so a re-send overwrites it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

import aiosmtplib

from services.notifications.channels import PermanentDeliveryError, TransientDeliveryError
from services.notifications.deliveries import DeliveryRecord

MESSAGE_ID_DOMAIN = "tdkt.notifications"


def sender_address(sender: str) -> Address:
    """`Tên hiển thị <địa.chỉ@miền>` → an Address (display names may carry diacritics)."""
    name, address = parseaddr(sender)
    if "@" not in address:
        raise ValueError(f"Địa chỉ người gửi không hợp lệ: «{sender}» (TDKT_SMTP_SENDER)")
    username, domain = address.rsplit("@", 1)
    return Address(display_name=name, username=username, domain=domain)


def build_message(delivery: DeliveryRecord, sender: Address, *, now: datetime | None = None) -> EmailMessage:
    """The MIME message of one delivery: UTF-8 text, and HTML when the template has one."""
    username, domain = delivery.address.rsplit("@", 1)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=delivery.recipient_name, username=username, domain=domain)
    message["Subject"] = delivery.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = f"<{delivery.delivery_id}@{MESSAGE_ID_DOMAIN}>"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Tdkt-Event-Id"] = delivery.event_id
    message["X-Tdkt-Event-Type"] = delivery.event_type
    message["X-Tdkt-Delivery-Id"] = delivery.delivery_id
    # Quoted-printable keeps the message 7-bit clean for any server, and the text readable.
    message.set_content(delivery.body_text, charset="utf-8", cte="quoted-printable")
    if delivery.body_html:
        message.add_alternative(delivery.body_html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None
    validate_certs: bool = True
    timeout_seconds: float = 30.0


class SmtpEmailSender:
    """Sends through an SMTP server; tells permanent refusals (5xx) from passing trouble."""

    def __init__(self, config: SmtpConfig, sender: Address) -> None:
        self.config = config
        self.sender = sender

    def describe(self) -> str:
        return f"máy chủ SMTP {self.config.host}:{self.config.port}"

    async def send(self, delivery: DeliveryRecord) -> str:
        c = self.config
        try:
            _, response = await aiosmtplib.send(
                build_message(delivery, self.sender),
                sender=self.sender.addr_spec,
                recipients=[delivery.address],
                hostname=c.host,
                port=c.port,
                username=c.username,
                password=c.password,
                use_tls=c.use_tls,
                start_tls=c.start_tls,
                validate_certs=c.validate_certs,
                timeout=c.timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            text = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentDeliveryError(f"Máy chủ thư từ chối người nhận {delivery.address}: {text}") from exc
            raise TransientDeliveryError(f"Máy chủ thư tạm từ chối người nhận {delivery.address}: {text}") from exc
        except aiosmtplib.SMTPAuthenticationError as exc:
            # A configuration problem shared by every message: retry, so fixing it delivers them all.
            raise TransientDeliveryError(f"{self.describe()} từ chối đăng nhập: {exc.code} {exc.message}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            problem = f"{self.describe()} trả lời {exc.code} {exc.message}"
            if 500 <= exc.code < 600:
                raise PermanentDeliveryError(problem) from exc
            raise TransientDeliveryError(problem) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(f"Không gửi được qua {self.describe()}: {exc}") from exc
        return f"{self.describe()} đã nhận thư: {response}"


class PickupDirectorySender:
    """Writes each message as `<delivery id>.eml` (development, when no SMTP server is configured)."""

    def __init__(self, folder: Path, sender: Address) -> None:
        self.folder = Path(folder)
        self.sender = sender

    def describe(self) -> str:
        return f"thư mục {self.folder}"

    async def send(self, delivery: DeliveryRecord) -> str:
        path = self.folder / f"{delivery.delivery_id}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".eml.part")
            partial.write_bytes(build_message(delivery, self.sender).as_bytes())
            os.replace(partial, path)  # readers never see half a message
        except OSError as exc:
            raise TransientDeliveryError(f"Không ghi được thư vào {self.folder}: {exc}") from exc
        return f"Đã ghi thư vào {path}"
