"""Jinja2 templates of the notices, in Vietnamese, editable without touching code.

One folder per notice (`dossier_submitted/`), each with `subject.j2` and `body.txt.j2`, and
optionally `body.html.j2`; `_partials/` holds shared pieces. `TDKT_NOTIFICATION_TEMPLATES_DIR`
replaces the packaged folder. Every template the catalogue names is loaded and compiled at
start-up: a missing or broken one stops the service with the list, rather than silently dropping
a notice months later. Undefined variables are errors too (StrictUndefined), so a typo in an
edited template fails the event loudly (retries, then a dead letter) instead of sending "None".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from services.notifications.labels import annulment_ground, council_standard, label
from shared.workdays import VIETNAM_TZ

PACKAGED_TEMPLATES_DIR = Path(__file__).with_name("templates")
SUBJECT = "subject.j2"
TEXT_BODY = "body.txt.j2"
HTML_BODY = "body.html.j2"


class TemplateSetupError(RuntimeError):
    """A notice the service must send has no usable template (raised at start-up)."""


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    text: str
    html: str | None = None


# --- filters: how a Vietnamese reader expects dates, times and money ---------------------------


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(VIETNAM_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if "T" in text:
        return _as_date(datetime.fromisoformat(text.replace("Z", "+00:00")))
    return date.fromisoformat(text)


def format_date(value: Any) -> str:
    """`2023-01-20` → `20/01/2023` (an instant is first converted to Vietnam time)."""
    day = _as_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def format_time(value: Any) -> str:
    """An instant in Vietnam time: `09:30 ngày 20/01/2023`."""
    if value in (None, ""):
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    local = moment.astimezone(VIETNAM_TZ)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def format_money(value: Any) -> str:
    """Whole VND with dots between thousands: `2.340.000 đồng`."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}".replace(",", ".") + " đồng"


def format_number(value: Any, digits: int = 1) -> str:
    """A decimal comma, as Vietnamese writes it: `66,7`; whole numbers without decimals."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


@pass_context
def nominee_name(context: Context, nominee_id: str) -> str:
    """The name of a nominee of the dossier in the template's context, else the id."""
    nominees: Mapping[str, Any] = context.get("nominees") or {}
    nominee = nominees.get(nominee_id)
    return str(nominee["name"]) if nominee else str(nominee_id)


def _environment(folder: Path, unit_name: Callable[[str], str]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(folder), encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        ngay=format_date,
        thoi_gian=format_time,
        tien=format_money,
        so=format_number,
        nhan=label,
        can_cu_huy=annulment_ground,
        ten_doi_tuong=nominee_name,
        ten_don_vi=unit_name,
        tieu_chuan=council_standard,
    )
    return env


class NoticeTemplates:
    """The compiled templates of every notice the catalogue names."""

    def __init__(self, folder: Path, required: Iterable[str], unit_name: Callable[[str], str] | None = None) -> None:
        """`unit_name` turns a unit code (e.g. a deciding authority) into its name for `ten_don_vi`."""
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise TemplateSetupError(f"Không tìm thấy thư mục mẫu thông báo {self.folder}.")
        self._env = _environment(self.folder, unit_name or str)
        self._names = sorted(set(required))
        self._html: set[str] = set()
        problems: list[str] = []
        for name in self._names:
            for part in (SUBJECT, TEXT_BODY, HTML_BODY):
                try:
                    self._env.get_template(f"{name}/{part}")
                    if part == HTML_BODY:
                        self._html.add(name)
                except TemplateNotFound:
                    if part != HTML_BODY:
                        problems.append(f"thiếu {name}/{part}")
                except TemplateSyntaxError as exc:
                    problems.append(f"lỗi cú pháp ở {name}/{part}, dòng {exc.lineno}: {exc.message}")
        if problems:
            raise TemplateSetupError(
                f"Mẫu thông báo trong {self.folder} chưa đầy đủ, dịch vụ không khởi động: " + "; ".join(problems) + "."
            )

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def render(self, name: str, context: Mapping[str, Any]) -> RenderedNotice:
        subject = self._env.get_template(f"{name}/{SUBJECT}").render(context)
        text = self._env.get_template(f"{name}/{TEXT_BODY}").render(context)
        html = self._env.get_template(f"{name}/{HTML_BODY}").render(context) if name in self._html else None
        return RenderedNotice(subject=re.sub(r"\s+", " ", subject).strip(), text=text.strip() + "\n", html=html)
