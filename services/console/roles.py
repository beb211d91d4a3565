"""What each role sees: its menu, its queue, and which actions the console offers it.

This only shapes the screens. Whether an action is allowed is the service's decision: a form
the console shows may still be refused, and the refusal is shown as the service gave it.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE_LABELS = {
    "desk_clerk": "Cán bộ Bộ phận Một cửa",
    "lead_unit_officer": "Cán bộ đơn vị chủ trì phong trào",
    "lead_unit_clerk": "Cán bộ đơn vị chủ trì phong trào",
    "council_secretariat": "Thường trực Hội đồng (Phòng Nội vụ)",
    "council_member": "Thành viên Hội đồng Thi đua – Khen thưởng",
    "chairman": "Chủ tịch UBND",
    "auditor": "Thanh tra, kiểm tra",
    "administrator": "Quản trị hệ thống",
    "system": "Hệ thống (tự động)",
    "operator": "Vận hành hệ thống",
}


@dataclass(frozen=True)
class MenuItem:
    path: str
    label: str


DASHBOARD = MenuItem("/tong-quan", "Tổng quan")
CAMPAIGNS = MenuItem("/phong-trao", "Phong trào")
DOSSIERS = MenuItem("/ho-so", "Hồ sơ")
REPORTS = MenuItem("/bao-cao", "Báo cáo")
ROUNDS = MenuItem("/dot-xet", "Đợt xét")
COUNCIL = MenuItem("/hoi-dong", "Hội đồng TĐKT")
PLEDGES = MenuItem("/dang-ky-thi-dua", "Đăng ký thi đua")
CLUSTERS = MenuItem("/cum-khoi", "Cụm, khối")
AWARD_HISTORY = MenuItem("/lich-su-khen-thuong", "Lịch sử khen thưởng")
INBOX = MenuItem("/thong-bao", "Thông báo")
PUBLIC = MenuItem("/cong-khai", "Công khai")

EVERY_SCREEN = (
    DASHBOARD,
    DOSSIERS,
    ROUNDS,
    COUNCIL,
    PLEDGES,
    CLUSTERS,
    AWARD_HISTORY,
    CAMPAIGNS,
    REPORTS,
    INBOX,
    PUBLIC,
)
"""Phòng Nội vụ works every screen of the office; the auditor reads them all."""
COUNCIL_MENU = (DASHBOARD, DOSSIERS, ROUNDS, COUNCIL, AWARD_HISTORY, CAMPAIGNS, REPORTS, INBOX, PUBLIC)

MENUS: dict[str, tuple[MenuItem, ...]] = {
    "desk_clerk": (DASHBOARD, DOSSIERS, ROUNDS, PLEDGES, AWARD_HISTORY, CAMPAIGNS, INBOX, PUBLIC),
    "lead_unit_officer": (DASHBOARD, CAMPAIGNS, DOSSIERS, ROUNDS, PLEDGES, REPORTS, INBOX, PUBLIC),
    "council_secretariat": EVERY_SCREEN,
    "council_member": COUNCIL_MENU,
    "chairman": COUNCIL_MENU,
    "auditor": EVERY_SCREEN,
    "administrator": (DASHBOARD, REPORTS, INBOX, COUNCIL, CAMPAIGNS, DOSSIERS, PUBLIC),
}

# Dossier steps (the dossiers API's command paths) each role is offered.
DOSSIER_STEPS: dict[str, frozenset[str]] = {
    "desk_clerk": frozenset({"supplement", "result-return", "withdrawal", "deadline-extension"}),
    "council_secretariat": frozenset(
        {
            "completeness-check",
            "supplement-request",
            "acceptance",
            "refusal",
            "concurrences",
            "disclosures",
            "council-checks",
            "appraisal",
            "council-votes",
            "deadline-extension",
            "result-return",
            "recovery",
            "successor",
        }
    ),
    "council_member": frozenset({"council-checks", "council-votes"}),
    "chairman": frozenset({"decision", "rejection", "annulment", "recovery", "successor"}),
}

# Who hands every dossier pending at a unit that ended to its successor at once.
BULK_SUCCESSION_ROLES = frozenset({"council_secretariat", "administrator"})

# Campaign actions (the campaigns API's command paths) each role is offered.
CAMPAIGN_ACTIONS: dict[str, frozenset[str]] = {
    "lead_unit_officer": frozenset(
        {
            "draft",
            "amend",
            "documents",
            "launch",
            "interim-reviews",
            "final-review",
            "final-review-correction",
            "close",
            "cancel",
        }
    ),
    "council_secretariat": frozenset({"draft", "registration", "registration-return", "close", "cancel"}),
}

# The year's workload (the dossiers API's annual commands) each role is offered.
ANNUAL_ACTIONS: dict[str, frozenset[str]] = {
    "desk_clerk": frozenset({"submit-list", "register"}),
    "lead_unit_officer": frozenset({"submit-list", "register"}),
    "council_secretariat": frozenset(
        {
            "open-round",
            "submit-list",
            "appraise-round",
            "round-checks",
            "vote-round",
            "keep-council",
            "register",
            "keep-clusters",
            "import-history",
        }
    ),
    "council_member": frozenset({"round-checks", "vote-round"}),
    "chairman": frozenset({"decide-round"}),
    "administrator": frozenset({"keep-council"}),
}

# Dossier statuses that make up each role's queue ("việc cần làm").
DOSSIER_QUEUES: dict[str, tuple[str, ...]] = {
    "desk_clerk": ("AWAITING_SUPPLEMENT", "AWARDED", "REJECTED"),
    "council_secretariat": ("RECEIVED", "AWAITING_CAMPAIGN", "IN_APPRAISAL"),
    "council_member": ("IN_APPRAISAL",),
    "chairman": ("IN_APPRAISAL", "AWARDED"),
}

QUICK_ACTIONS: dict[str, tuple[MenuItem, ...]] = {
    "desk_clerk": (MenuItem("/ho-so/tiep-nhan", "Tiếp nhận hồ sơ"),),
    "lead_unit_officer": (MenuItem("/phong-trao/moi", "Soạn thảo phong trào"),),
    "council_secretariat": (
        MenuItem("/ho-so", "Hàng việc hồ sơ"),
        MenuItem("/phong-trao", "Phong trào chờ đăng ký"),
        MenuItem("/ho-so/ke-thua", "Hồ sơ của đơn vị đã chấm dứt hoạt động"),
    ),
    "administrator": (
        MenuItem("/thong-bao/webhook", "Đăng ký webhook"),
        MenuItem("/bao-cao/dung-lai", "Dựng lại bảng báo cáo"),
        MenuItem("/ho-so/ke-thua", "Hồ sơ của đơn vị đã chấm dứt hoạt động"),
    ),
}
"""The first things a role does, offered at the top of its dashboard."""

QUEUE_TITLES = {
    "desk_clerk": "Hồ sơ chờ bổ sung và kết quả chờ trả",
    "council_secretariat": "Hồ sơ cần kiểm tra, thẩm định",
    "council_member": "Hồ sơ chờ Hội đồng xem xét, bỏ phiếu",
    "chairman": "Hồ sơ chờ quyết định",
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def menu_for(role: str) -> tuple[MenuItem, ...]:
    return MENUS.get(role, (DASHBOARD, PUBLIC))


def may_step(role: str, step: str) -> bool:
    return step in DOSSIER_STEPS.get(role, frozenset())


def may_pass_in_bulk(role: str) -> bool:
    return role in BULK_SUCCESSION_ROLES


def may_campaign(role: str, action: str) -> bool:
    return action in CAMPAIGN_ACTIONS.get(role, frozenset())


def may_annual(role: str, action: str) -> bool:
    return action in ANNUAL_ACTIONS.get(role, frozenset())


def annual_actions(role: str) -> frozenset[str]:
    return ANNUAL_ACTIONS.get(role, frozenset())


def sees_own_unit_only(role: str) -> bool:
    """A desk clerk works on its own unit's dossiers; the others see every unit."""
    return role == "desk_clerk"
