"""The council of xã Thanh Oai over 2025, as the year's-workload tests constitute it."""

from __future__ import annotations

from datetime import date

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.council import Council
from tests.support.dossiers import COMMUNE_2025, SECRETARY, at

MEMBERS = [
    {"member_id": "m1", "name": "Nguyễn Văn An", "role": "CHAIRMAN", "position": "Chủ tịch UBND xã"},
    {"member_id": "m2", "name": "Trần Thị Bình", "role": "VICE_CHAIRMAN", "position": "Phó Chủ tịch UBND xã"},
    {"member_id": "m3", "name": "Lê Văn Cường", "role": "STANDING_MEMBER", "position": "Trưởng phòng Văn hóa – Xã hội"},
    *[{"member_id": f"m{i}", "name": f"Ủy viên số {i}", "role": "MEMBER"} for i in range(4, 10)],
]


def constituted(work: AnnualWork) -> Council:
    """Nine members from 1/1/2025; m9 leaves after 30/6; m10 joins 1/7 and m11 on 1/9: ten in December."""
    work.constitute_council(
        authority=COMMUNE_2025,
        name="Hội đồng Thi đua – Khen thưởng xã Thanh Oai",
        term_from=date(2025, 7, 1),
        term_to=date(2030, 6, 30),
        members=MEMBERS,
        decision_ref="15/QĐ-UBND",
        actor=SECRETARY,
        at=at(date(2025, 7, 1)),
    )
    work.release_member(
        COMMUNE_2025,
        member_id="m9",
        last_day=date(2025, 8, 31),
        decision_ref="40/QĐ-UBND",
        reason="Nghỉ hưu",
        actor=SECRETARY,
        at=at(date(2025, 8, 25)),
    )
    for member_id, day in (("m10", date(2025, 9, 1)), ("m11", date(2025, 10, 1))):
        work.appoint_member(
            COMMUNE_2025,
            member={"member_id": member_id, "name": f"Ủy viên mới {member_id}", "role": "MEMBER"},
            on=day,
            decision_ref="41/QĐ-UBND",
            actor=SECRETARY,
            at=at(date(2025, 8, 26)),
        )
    return work.council(COMMUNE_2025)
