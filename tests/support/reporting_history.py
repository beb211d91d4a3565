"""A generated history of campaign and dossier events, built with the published contracts.

Deterministic for a seed. Campaigns are drafted, registered (some returned first), launched,
reviewed on time or late, flagged overdue, closed or cancelled. Dossiers go through every path:
complete at once, supplemented, refused (also after a supplement), withdrawn, awaiting an unknown
campaign, rejected, awarded, returned, annulled and recovered; ad hoc ones are proposed in time
or late; events fall on both sides of midnight in Vietnam (17:00 UTC) and across year ends.
Event ids follow each service's publication order (`campaigns-N`, `dossiers-N`), as the relays
assign them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.contracts import campaigns as cc
from shared.contracts import dossiers as dc
from shared.contracts.base import ActorInfo, EventContract
from shared.workdays import WorkingCalendar, local_date

BASE_SALARY = 1_800_000
MULTIPLIERS = {
    ("ADVANCED_WORKER", "INDIVIDUAL"): "0.3",
    ("GRASSROOTS_EMULATION_FIGHTER", "INDIVIDUAL"): "1.0",
    ("ADVANCED_COLLECTIVE", "COLLECTIVE"): "0.8",
    ("CERTIFICATE_OF_MERIT", "COLLECTIVE"): "0.6",
}  # others unconfirmed: no cash amount
LEAD_UNITS = [
    ("PKT", "Phòng Kinh tế"),
    ("PVHTT", "Phòng Văn hóa và Thông tin"),
    ("PGDDT", "Phòng Giáo dục và Đào tạo"),
    ("PYT", "Phòng Y tế"),
    ("PLDTBXH", "Phòng Lao động – Thương binh và Xã hội"),
    ("PTNMT", "Phòng Tài nguyên và Môi trường"),
]
COMMUNES = [
    ("TT-KIM-BAI", "Thị trấn Kim Bài"),
    ("XA-BICH-HOA", "Xã Bích Hòa"),
    ("XA-BINH-MINH", "Xã Bình Minh"),
    ("XA-CAO-XUAN-DUONG", "Xã Cao Xuân Dương"),
    ("XA-CAO-VIEN", "Xã Cao Viên"),
    ("XA-DAN-HOA", "Xã Dân Hòa"),
    ("XA-DO-DONG", "Xã Đỗ Động"),
    ("XA-HONG-DUONG", "Xã Hồng Dương"),
    ("XA-KIM-AN", "Xã Kim An"),
    ("XA-KIM-THU", "Xã Kim Thư"),
    ("XA-LIEN-CHAU", "Xã Liên Châu"),
    ("XA-PHUONG-TRUNG", "Xã Phương Trung"),
    ("XA-TAM-HUNG", "Xã Tam Hưng"),
    ("XA-TAN-UOC", "Xã Tân Ước"),
    ("XA-THANH-CAO", "Xã Thanh Cao"),
    ("XA-THANH-MAI", "Xã Thanh Mai"),
    ("XA-THANH-THUY", "Xã Thanh Thùy"),
    ("XA-THANH-VAN", "Xã Thanh Văn"),
]
SILENT_COMMUNES = {"XA-CU-KHE", "XA-MY-HUNG"}  # in the directory, never propose
SECRETARIAT = ActorInfo(id="cv.pnv", role="council_secretariat", unit="PNV")
CALENDAR = WorkingCalendar.from_file()


def moment(day: date, rng: random.Random) -> datetime:
    """A time on `day` in Vietnam, now and then late in the evening UTC, i.e. after midnight in
    Vietnam (the event then belongs to the next local day)."""
    if rng.random() < 0.12:
        return datetime.combine(day, time(rng.randint(17, 22), rng.randint(0, 59)), UTC)
    return datetime.combine(day, time(rng.randint(1, 9), rng.randint(0, 59)), UTC)


@dataclass
class Aggregate:
    service: str
    aggregate_id: str
    events: list[tuple[datetime, int, EventContract]] = field(default_factory=list)
    version: int = 0
    clock: datetime | None = None

    def at(self, rng: random.Random, min_days: int = 1, max_days: int = 6) -> datetime:
        assert self.clock is not None
        day = local_date(self.clock) + timedelta(days=rng.randint(min_days, max_days))
        at = moment(day, rng)
        self.clock = max(at, self.clock + timedelta(minutes=1))
        return self.clock


# --- campaigns ---------------------------------------------------------------------------------


def eligibility(state: dict[str, Any]) -> cc.EligibilityInfo:
    reasons = []
    if state["status"] == "cancelled":
        reasons.append("cancelled")
    if not state["registration_number"]:
        reasons.append("not_registered")
    if not state["has_directive"]:
        reasons.append("no_directive_document")
    if not state["has_plan"]:
        reasons.append("no_plan")
    if not state["interim_reviews_filed"] and not state["final_review_filed"]:
        reasons.append("no_review")
    return cc.EligibilityInfo(
        eligible=not reasons, reasons=[cc.EligibilityReasonInfo(code=r, message=r) for r in reasons]
    )


class CampaignMaker:
    def __init__(self, rng: random.Random, index: int, kind: str) -> None:
        self.rng = rng
        lead = LEAD_UNITS[index % len(LEAD_UNITS)]
        self.agg = Aggregate("campaigns", f"c-{index:03d}")
        start = date(2022, 11, 1) + timedelta(days=rng.randint(0, 330))
        end = start + timedelta(days=rng.randint(60, 240))
        self.state: dict[str, Any] = {
            "campaign_id": self.agg.aggregate_id,
            "code": f"PT-{index:03d}",
            "name": f"Phong trào thi đua số {index}",
            "kind": kind,
            "status": "draft",
            "lead_unit": cc.UnitInfo(code=lead[0], name=lead[1]),
            "launching_level": "district",
            "start_date": start,
            "end_date": end,
            "has_directive": rng.random() < 0.75,
            "has_plan": rng.random() < 0.75,
            "registration_number": None,
            "registered_on": None,
            "launched_on": None,
            "interim_reviews_filed": 0,
            "final_review_filed": False,
            "review_due_on": end + timedelta(days=30),
        }
        self.agg.clock = moment(start - timedelta(days=rng.randint(20, 40)), rng)

    def emit(self, contract: type[cc.CampaignEvent], at: datetime, **fields: Any) -> None:
        self.agg.version += 1
        snapshot = cc.CampaignSnapshot(**self.state, eligibility=eligibility(self.state))
        event = contract(
            event_id="",
            source="/services/campaigns",
            occurred_at=at,
            actor=SECRETARIAT,
            aggregate_id=self.agg.aggregate_id,
            aggregate_version=self.agg.version,
            campaign=snapshot,
            **fields,
        )
        self.agg.events.append((at, self.agg.version, event))

    def review_fields(self, at: datetime) -> dict[str, Any]:
        return {
            "report": cc.DocumentReferenceInfo(number=f"{self.agg.version}/BC"),
            "filed_on": local_date(at),
            "summary": "Tổng kết",
        }

    def build(self) -> Aggregate:
        rng, s = self.rng, self.state
        self.emit(cc.CampaignDrafted, self.agg.clock)  # type: ignore[arg-type]
        if not (s["has_directive"] and s["has_plan"]) and rng.random() < 0.5:
            s["has_directive"] = s["has_plan"] = True
            self.emit(cc.CampaignDocumentsAttached, self.agg.at(rng))
        roll = rng.random()
        if roll < 0.06:
            return self.agg  # stays a draft
        if roll < 0.16:
            at = self.agg.at(rng)
            s["status"] = "registration_returned"
            self.emit(cc.CampaignRegistrationReturned, at, reasons=["Thiếu kế hoạch"], returned_on=local_date(at))
        at = self.agg.at(rng)
        s.update(
            status="registered", registration_number=f"{self.agg.aggregate_id}/ĐK-PNV", registered_on=local_date(at)
        )
        self.emit(cc.CampaignRegistered, at, registration_number=s["registration_number"], registered_on=local_date(at))
        if rng.random() < 0.06:
            at = self.agg.at(rng)
            s["status"] = "cancelled"
            self.emit(cc.CampaignCancelled, at, reason="Không còn phù hợp", cancelled_on=local_date(at))
            return self.agg
        at = self.agg.at(rng)
        s.update(status="launched", launched_on=local_date(at))
        self.emit(cc.CampaignLaunched, at, launched_on=local_date(at))
        if rng.random() < 0.5:
            at = self.agg.at(rng, 10, 40)
            s["interim_reviews_filed"] += 1
            self.emit(cc.CampaignInterimReviewFiled, at, **self.review_fields(at))
        due: date = s["review_due_on"]
        roll = rng.random()
        if roll < 0.55:
            filed = s["end_date"] + timedelta(days=rng.randint(0, 29))
            self._final_review(filed)
        elif roll < 0.8:
            self._flag_overdue(due)
            self._final_review(due + timedelta(days=rng.randint(10, 40)))
        else:
            self._flag_overdue(due)
        return self.agg

    def _final_review(self, day: date) -> None:
        at = max(moment(day, self.rng), self.agg.clock + timedelta(minutes=1))  # type: ignore[operator]
        self.agg.clock = at
        self.state.update(status="final_reviewed", final_review_filed=True)
        self.emit(cc.CampaignFinalReviewFiled, at, **self.review_fields(at))
        if self.rng.random() < 0.5:
            at = self.agg.at(self.rng)
            self.state["status"] = "closed"
            self.emit(cc.CampaignClosed, at, closed_on=local_date(at))

    def _flag_overdue(self, due: date) -> None:
        at = max(datetime.combine(due + timedelta(days=1), time(1, 0), UTC), self.agg.clock + timedelta(minutes=1))  # type: ignore[operator]
        self.agg.clock = at
        self.emit(cc.CampaignReviewOverdue, at, review_due_on=due, flagged_on=local_date(at), review_due_days=30)


# --- dossiers ----------------------------------------------------------------------------------


class DossierMaker:
    def __init__(self, rng: random.Random, index: int, campaigns: list[dict[str, Any]], decision_numbers: list[int]):
        self.rng = rng
        self.index = index
        self.decision_numbers = decision_numbers
        self.agg = Aggregate("dossiers", f"d-{index:05d}")
        received_at = moment(date(2022, 12, 1) + timedelta(days=rng.randint(0, 390)), rng)
        self.agg.clock = received_at
        received_on = local_date(received_at)
        kind = rng.choices(["ANNUAL_TITLE", "YEAR_END", "THEMATIC", "AD_HOC", "ENTERPRISE"], [40, 15, 20, 20, 5])[0]
        unit = rng.choice(COMMUNES) if rng.random() < 0.6 else rng.choice(LEAD_UNITS)
        campaign_id = None
        if kind == "THEMATIC":
            thematic = [c for c in campaigns if c["kind"] == "thematic"]
            campaign_id = rng.choice(thematic)["campaign_id"] if rng.random() < 0.93 else f"c-unknown-{index % 3}"
        elif kind in ("ANNUAL_TITLE", "YEAR_END") and rng.random() < 0.3:
            campaign_id = rng.choice([c for c in campaigns if c["kind"] != "thematic"])["campaign_id"]
        feat = None
        days_after = None
        late = False
        procedure = "NORMAL"
        award_type = "MOVEMENT"
        if kind == "AD_HOC":
            award_type, procedure = "AD_HOC", "SIMPLIFIED"
            feat = received_on - timedelta(days=rng.choice([rng.randint(0, 30), rng.randint(31, 90)]))
            days_after = (received_on - feat).days
            late = days_after > 30
        self.state: dict[str, Any] = {
            "dossier_id": self.agg.aggregate_id,
            "receipt_number": f"HS-{index:05d}",
            "status": "RECEIVED",
            "channel": rng.choice(["ONLINE_PORTAL", "ONE_STOP_DESK", "POST"]),
            "proposing_unit": dc.UnitInfo(code=unit[0], name=unit[1]),
            "award_type": award_type,
            "kind": kind,
            "procedure": procedure,
            "campaign_id": campaign_id,
            # Annual titles received early in a year are for the year before.
            "emulation_year": (received_on.year - 1 if received_on.month <= 2 else received_on.year)
            if kind == "ANNUAL_TITLE"
            else None,
            "rule_set_id": "2023-nd91",
            "received_on": received_on,
            "appointment_date": CALENDAR.add_working_days(received_on, 8 if procedure == "SIMPLIFIED" else 10),
            "feat_date": feat,
            "late_proposal": late,
            "days_after_feat": days_after,
            "nominees": self._nominees(kind, unit[0]),
            "decision_number": None,
            "decision_date": None,
        }
        self.working_days = 8 if procedure == "SIMPLIFIED" else 10

    def _nominees(self, kind: str, unit: str) -> list[dc.NomineeInfo]:
        rng, out = self.rng, []
        for i in range(rng.randint(1, 5)):
            if kind == "ANNUAL_TITLE":
                nominee_kind, award = rng.choices(
                    [
                        ("INDIVIDUAL", "ADVANCED_WORKER"),
                        ("INDIVIDUAL", "GRASSROOTS_EMULATION_FIGHTER"),
                        ("COLLECTIVE", "ADVANCED_COLLECTIVE"),
                        ("HOUSEHOLD", "CULTURAL_FAMILY"),
                    ],
                    [60, 15, 15, 10],
                )[0]
            elif kind == "ENTERPRISE":
                nominee_kind, award = "COLLECTIVE", "CERTIFICATE_OF_MERIT"
            else:
                nominee_kind = rng.choices(["INDIVIDUAL", "COLLECTIVE", "HOUSEHOLD"], [65, 30, 5])[0]
                award = "CERTIFICATE_OF_MERIT"
            out.append(
                dc.NomineeInfo(
                    nominee_id=f"n{i + 1}",
                    kind=nominee_kind,
                    name=f"Đối tượng {self.index}-{i + 1}",
                    award=award,
                    unit=unit if rng.random() < 0.8 else "",
                    is_direct_worker=nominee_kind == "INDIVIDUAL" and rng.random() < 0.4,
                    size=rng.randint(3, 40) if nominee_kind == "COLLECTIVE" else None,
                    gender=rng.choice(["MALE", "FEMALE"]) if nominee_kind == "INDIVIDUAL" else None,
                )
            )
        return out

    def emit(self, contract: type[dc.DossierEvent], at: datetime, **fields: Any) -> None:
        self.agg.version += 1
        event = contract(
            event_id="",
            source="/services/dossiers",
            occurred_at=at,
            actor=SECRETARIAT,
            aggregate_id=self.agg.aggregate_id,
            aggregate_version=self.agg.version,
            dossier=dc.DossierSnapshot(**self.state),
            **fields,
        )
        self.agg.events.append((at, self.agg.version, event))

    def build(self) -> Aggregate:
        rng, s = self.rng, self.state
        self.emit(dc.DossierSubmitted, self.agg.clock)  # type: ignore[arg-type]
        if s["campaign_id"] and s["campaign_id"].startswith("c-unknown"):
            self.emit(dc.DossierAwaitingCampaign, self._set(rng, "AWAITING_CAMPAIGN"), campaign_id=s["campaign_id"])
            if rng.random() < 0.5:
                self.emit(dc.DossierRefused, self._set(rng, "REFUSED"), reasons=["Phong trào chưa đăng ký"])
            return self.agg
        path = rng.choices(
            ["awarded", "rejected", "refused", "refused_late", "withdrawn", "open"], [50, 8, 12, 4, 10, 16]
        )[0]
        if path in ("awarded", "rejected", "open", "refused_late", "withdrawn") and rng.random() < 0.3:
            self._supplement(refuse=path == "refused_late")
            if path == "refused_late":
                return self.agg
        if path in ("refused", "refused_late"):
            self.emit(dc.DossierRefused, self._set(rng, "REFUSED"), reasons=["Không đúng đối tượng"])
            return self.agg
        if path == "withdrawn" and rng.random() < 0.5:
            self.emit(dc.DossierWithdrawn, self._set(rng, "WITHDRAWN"), reason="Đơn vị rút hồ sơ")
            return self.agg
        self.emit(dc.DossierAcceptedAsComplete, self._set(rng, "IN_APPRAISAL", 0, 3))
        if rng.random() < 0.3:
            self.emit(dc.DossierConcurrenceRecorded, self.agg.at(rng, 0, 2), department="PTP", agrees=True)
        for n in s["nominees"]:
            if rng.random() < 0.5:
                self.emit(dc.DossierNomineeAppraised, self.agg.at(rng, 0, 1), nominee_id=n.nominee_id, passed=True)
        if path == "withdrawn":
            self.emit(dc.DossierWithdrawn, self._set(rng, "WITHDRAWN"), reason="Đơn vị rút hồ sơ")
            return self.agg
        if rng.random() < 0.12:
            at = self.agg.at(rng, 0, 2)
            previous = s["appointment_date"]
            new = CALENDAR.add_working_days(max(previous, local_date(at)), 3)
            s["appointment_date"] = new
            self.emit(dc.DossierDeadlineExtended, at, previous_date=previous, new_date=new, reason="Chờ hiệp y")
        if path == "open":
            return self.agg
        if path == "rejected":
            at = self._set(rng, "REJECTED", 2, 12)
            day = local_date(at)
            s["decision_date"] = day
            self.emit(
                dc.AwardRejected,
                at,
                decision_date=day,
                authority="Chủ tịch UBND huyện",
                authority_level="DISTRICT",
                rejections={n.nominee_id: ["Không đạt"] for n in s["nominees"]},
            )
        else:
            self._decide()
        if rng.random() < 0.9:
            at = self._set(rng, "RESULT_RETURNED", 0, 5)
            self.emit(dc.DossierResultReturned, at, returned_on=local_date(at))
            if path == "awarded" and rng.random() < 0.1:
                self._annul()
        return self.agg

    def _set(self, rng: random.Random, status: str, lo: int = 1, hi: int = 6) -> datetime:
        """Move to `status`; the time of the event that does it."""
        self.state["status"] = status
        return self.agg.at(rng, lo, hi)

    def _supplement(self, *, refuse: bool) -> None:
        rng, s = self.rng, self.state
        s["appointment_date"] = None
        self.emit(dc.DossierSupplementRequested, self._set(rng, "AWAITING_SUPPLEMENT", 0, 3), missing=["Tờ trình"])
        if refuse:
            self.emit(dc.DossierRefused, self._set(rng, "REFUSED", 8, 20), reasons=["Không bổ sung"])
            return
        at = self._set(rng, "RECEIVED", 2, 12)
        s["appointment_date"] = CALENDAR.add_working_days(local_date(at), self.working_days)
        self.emit(dc.DossierSupplemented, at, appointment_date=s["appointment_date"])

    def _decide(self) -> None:
        rng, s = self.rng, self.state
        at = self._set(rng, "AWARDED", 2, 12)
        day = local_date(at) - timedelta(days=1 if rng.random() < 0.2 else 0)
        self.decision_numbers[0] += 1
        number = f"{self.decision_numbers[0]}/QĐ-UBND"
        approved = [n for n in s["nominees"] if rng.random() < 0.85] or [s["nominees"][0]]
        approvals = []
        for n in approved:
            multiplier = MULTIPLIERS.get((n.award, n.kind))
            cash = round(float(multiplier) * BASE_SALARY) if multiplier else None
            approvals.append(
                dc.ApprovalInfo(
                    nominee_id=n.nominee_id,
                    award=n.award,
                    multiplier=multiplier,
                    base_salary_vnd=BASE_SALARY,
                    cash_reward_vnd=cash,
                )
            )
        s.update(decision_number=number, decision_date=day, appointment_date=s["appointment_date"])
        self.approvals = approvals
        self.emit(
            dc.AwardDecided,
            at,
            decision_number=number,
            decision_date=day,
            authority="Chủ tịch UBND huyện",
            authority_level="DISTRICT",
            approvals=approvals,
            rejections={n.nominee_id: ["Không đạt"] for n in s["nominees"] if n not in approved},
        )

    def _annul(self) -> None:
        rng = self.rng
        ids = [a.nominee_id for a in self.approvals]
        chosen = ids if rng.random() < 0.5 else ids[:1]
        if set(chosen) == set(ids):
            self.state["status"] = "ANNULLED"
        self.decision_numbers[0] += 1
        self.emit(
            dc.AwardAnnulled,
            self.agg.at(rng, 20, 90),
            nominee_ids=chosen,
            ground="b",
            act_reference="Kết luận thanh tra số 5/KL-TTr",
            decision_number=f"{self.decision_numbers[0]}/QĐ-UBND",
            authority="Chủ tịch UBND huyện",
            reason="Hồ sơ giả mạo",
        )
        if rng.random() < 0.6:
            amount = sum(a.cash_reward_vnd or 0 for a in self.approvals if a.nominee_id in chosen)
            self.emit(
                dc.AwardRecovered,
                self.agg.at(rng, 5, 30),
                nominee_ids=chosen,
                artefacts_returned=True,
                amount_recovered_vnd=amount,
            )


def generate(seed: int = 2023, campaigns: int = 14, dossiers: int = 600) -> list[EventContract]:
    """Every event of the history, each service's in the order its relay publishes them."""
    rng = random.Random(seed)
    kinds = ["thematic", "regular", "periodic", "thematic"]
    built = [CampaignMaker(rng, i + 1, kinds[i % len(kinds)]).build() for i in range(campaigns)]
    campaign_states = [
        {"campaign_id": a.aggregate_id, "kind": a.events[0][2].campaign.kind}  # type: ignore[attr-defined]
        for a in built
    ]
    numbers = [0]
    built += [DossierMaker(rng, i + 1, campaign_states, numbers).build() for i in range(dossiers)]
    events: list[EventContract] = []
    for service in ("campaigns", "dossiers"):
        ordered = sorted(
            (entry for a in built if a.service == service for entry in a.events),
            key=lambda e: (e[0], e[2].aggregate_id, e[1]),
        )
        for n, (_, _, event) in enumerate(ordered, start=1):
            events.append(event.model_copy(update={"event_id": f"{service}-{n}"}))
    return events
