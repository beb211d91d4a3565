"""Printable one-stop slips (HTML with print CSS), in Vietnamese.

The four forms of the one-stop mechanism that a dossier meets (docs/domain.md T3, T4): the receipt
with the appointment date (*Giấy tiếp nhận hồ sơ và hẹn trả kết quả*), the request to complete
the dossier (*Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ*), the refusal (*Phiếu từ chối giải quyết
hồ sơ*) and the apology with a new appointment (*Phiếu xin lỗi và hẹn lại ngày trả kết quả*).
The layout follows the usual one-stop templates (TT 01/2018/TT-VPCP, carried into TT 03/2025);
the exact current templates were not read (unconfirmed), so the wording lives in `templates/`,
not in code.

Each slip is drawn from the stored history, not from the current state alone: a refusal slip
quotes the refusal event, an apology slip the latest extension, so reprinting later gives the
same paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.dossiers.application import Dossiers
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierError
from services.dossiers.domain.values import label
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError
from shared.workdays import VIETNAM_TZ

TEMPLATES = Path(__file__).parent / "templates"

CHANNELS = {
    "ONLINE_PORTAL": "Trực tuyến qua Cổng dịch vụ công",
    "ONE_STOP_DESK": "Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả",
    "POST": "Qua dịch vụ bưu chính",
}
KINDS = {
    "ANNUAL_TITLE": "xét tặng danh hiệu thi đua hằng năm",
    "YEAR_END": "khen thưởng tổng kết năm",
    "THEMATIC": "khen thưởng phong trào thi đua theo chuyên đề",
    "AD_HOC": "khen thưởng đột xuất (thủ tục đơn giản)",
    "ASSOCIATION": "khen thưởng tổng kết năm cho các hội",
    "ENTERPRISE": "khen thưởng tổng kết năm cho doanh nghiệp",
    "HIGHER_LEVEL": "cấp trên khen thưởng",
}


def day_word(day: date) -> str:
    """The date line of an administrative document (NĐ 30/2020): a zero before days under 10
    and before months 1 and 2 only: `ngày 05 tháng 02 năm 2024`, `ngày 17 tháng 6 năm 2024`."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def dmy(day: date | datetime | None) -> str:
    """`03/06/2024`; an instant is shown as its date in Vietnam."""
    if isinstance(day, datetime):
        day = day.astimezone(VIETNAM_TZ).date()
    return day.strftime("%d/%m/%Y") if day else "…/…/……"


def clock_time(at: datetime) -> str:
    """`09 giờ 05 phút, ngày 03/06/2024`, in Vietnam time."""
    local = at.astimezone(VIETNAM_TZ)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


@dataclass(frozen=True)
class Office:
    """Who issues the slips: the governing body, its receiving desk, the place on the date line."""

    authority: str
    desk: str
    place: str
    phone: str = ""
    unit_code: str = ""

    @classmethod
    def from_units(cls, units: OrgUnitDirectory, unit_code: str, *, desk: str, place: str, phone: str = "") -> Office:
        try:
            authority = units.get(unit_code).name
        except UnknownUnitError:
            authority = unit_code
        return cls(authority, desk, place, phone, unit_code)

    def on(self, units: OrgUnitDirectory, received_on: date, proposing_unit: str) -> Office:
        """The office as it stood on the receipt date.

        The configured unit while it exists; after it ended (the district level ended on 1/7/2025,
        NĐ 129/2025 Art. 59 gave its award powers to the commune), the commune-level people's
        committee that the proposing unit is or belongs to.
        """
        configured = units.get(self.unit_code) if self.unit_code in units else None
        if configured is None or configured.is_active_on(received_on):
            return self
        code: str | None = proposing_unit
        while code and code in units:
            unit = units.get(code)
            if unit.authority_level == "commune" and unit.is_active_on(received_on):
                return replace(self, authority=unit.name, unit_code=unit.code)
            code = unit.parent
        return self


class SlipUnavailable(DossierError):
    """The dossier has no such act to print (HTTP 409): no refusal, no extension, …"""

    def __init__(self, message: str) -> None:
        super().__init__("slip_unavailable", message)


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(dmy=dmy, day_word=day_word, clock_time=clock_time, label=label)


class SlipPrinter:
    """Renders the slips of one office from a dossier's stored history (a 409 when the act a
    slip records never happened)."""

    def __init__(self, app: Dossiers, units: OrgUnitDirectory, office: Office) -> None:
        self.app = app
        self.units = units
        self.office = office

    def _unit_name(self, code: str) -> str:
        try:
            return self.units.get(code).name
        except UnknownUnitError:
            return code

    def _events(self, dossier_id: str) -> list[dict[str, Any]]:
        return self.app.history(dossier_id)

    @staticmethod
    def _last(events: list[dict[str, Any]], kind: str, missing: str) -> dict[str, Any]:
        found = [e for e in events if e["type"] == kind]
        if not found:
            raise SlipUnavailable(missing)
        return found[-1]

    def _context(self, dossier: Dossier, issued_at: datetime, **extra: Any) -> dict[str, Any]:
        issued_on = issued_at.astimezone(VIETNAM_TZ).date()
        return {
            "office": self.office.on(self.units, dossier.received_on, dossier.proposing_unit),
            "dossier": dossier,
            "unit_name": self._unit_name(dossier.proposing_unit),
            "request": "Đề nghị " + KINDS.get(dossier.kind.value, dossier.kind.value),
            "channel": CHANNELS.get(dossier.channel.value, dossier.channel.value),
            "dateline": f"{self.office.place}, {day_word(issued_on)}",
            "issued_at": issued_at,
            **extra,
        }

    def receipt(self, dossier_id: str, version: int | None = None) -> str:
        """The receipt as issued (version 1), or as re-issued at `version` after a supplement."""
        dossier = self.app.get(dossier_id, version=version or 1)
        submitted = self._events(dossier_id)[0]
        received_at = datetime.fromisoformat(submitted["at"])
        rules = self.app.rules_of(dossier)
        return _env.get_template("receipt.html.j2").render(
            self._context(
                dossier,
                received_at,
                title="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
                received_at=received_at,
                working_days=rules.working_days(dossier.procedure),
            )
        )

    def supplement_request(self, dossier_id: str) -> str:
        events = self._events(dossier_id)
        event = self._last(events, "SupplementRequested", "Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nào để in phiếu.")
        dossier = self.app.get(dossier_id, version=event["version"])
        return self._render(
            "supplement_request.html.j2", dossier, events, event, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
        )

    def refusal(self, dossier_id: str) -> str:
        events = self._events(dossier_id)
        event = self._last(events, "Refused", "Hồ sơ không bị từ chối giải quyết; không có phiếu từ chối để in.")
        dossier = self.app.get(dossier_id, version=event["version"])
        return self._render("refusal.html.j2", dossier, events, event, "Phiếu từ chối giải quyết hồ sơ")

    def apology(self, dossier_id: str) -> str:
        events = self._events(dossier_id)
        event = self._last(
            events, "DeadlineExtended", "Hồ sơ chưa được hẹn lại ngày trả kết quả; không có phiếu để in."
        )
        dossier = self.app.get(dossier_id, version=event["version"])
        return self._render("apology.html.j2", dossier, events, event, "Phiếu xin lỗi và hẹn lại ngày trả kết quả")

    def _render(
        self,
        template: str,
        dossier: Dossier,
        events: list[dict[str, Any]],
        event: Mapping[str, Any],
        title: str,
    ) -> str:
        data = dict(event["data"])
        for key in ("previous_date", "new_date"):
            if isinstance(data.get(key), str):
                data[key] = date.fromisoformat(data[key])
        return _env.get_template(template).render(
            self._context(
                dossier,
                datetime.fromisoformat(event["at"]),
                title=title,
                event=data,
                received_at=datetime.fromisoformat(events[0]["at"]),
            )
        )
