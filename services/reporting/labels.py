"""Vietnamese labels for the codes that travel in events (titles, award forms, channels, …).

Kept here rather than imported from the dossiers service: services share only the published
contracts. A code without a label is shown as itself.
"""

from __future__ import annotations

AWARDS = {
    "ADVANCED_WORKER": "Lao động tiên tiến",
    "ADVANCED_SOLDIER": "Chiến sĩ tiên tiến",
    "GRASSROOTS_EMULATION_FIGHTER": "Chiến sĩ thi đua cơ sở",
    "ADVANCED_COLLECTIVE": "Tập thể lao động tiên tiến",
    "EXCELLENT_COLLECTIVE": "Tập thể lao động xuất sắc",
    "CULTURAL_VILLAGE": "Thôn, tổ dân phố văn hóa",
    "MODEL_COMMUNE": "Xã, phường, thị trấn tiêu biểu",
    "CULTURAL_FAMILY": "Gia đình văn hóa",
    "CERTIFICATE_OF_MERIT": "Giấy khen",
    "COMMENDATION": "Bằng khen",
}

AWARD_TYPES = {
    "MERIT": "Khen thưởng công trạng",
    "AD_HOC": "Khen thưởng đột xuất",
    "MOVEMENT": "Khen thưởng theo phong trào thi đua",
    "CONTRIBUTION": "Khen thưởng quá trình cống hiến",
    "SENIORITY": "Khen thưởng theo niên hạn",
    "FOREIGN": "Khen thưởng đối ngoại",
}

CHANNELS = {
    "ONLINE_PORTAL": "Cổng dịch vụ công trực tuyến",
    "ONE_STOP_DESK": "Bộ phận Một cửa",
    "POST": "Dịch vụ bưu chính",
}

ELIGIBILITY_REASONS = {
    "not_registered": "Chưa đăng ký với cơ quan thường trực (Phòng Nội vụ)",
    "no_directive_document": "Chưa có văn bản chỉ đạo",
    "no_plan": "Chưa có kế hoạch",
    "no_review": "Chưa có báo cáo sơ kết, tổng kết",
    "purpose_unclear": "Mục đích chưa rõ",
    "requirements_unclear": "Yêu cầu chưa rõ",
    "content_unclear": "Nội dung chưa rõ",
    "targets_unclear": "Chỉ tiêu chưa rõ",
    "timeline_unclear": "Thời gian chưa rõ",
    "cancelled": "Phong trào đã hủy",
}

NO_CAMPAIGN = "Không thuộc phong trào thi đua"
UNKNOWN_CAMPAIGN = "Chưa rõ (chưa nhận được sự kiện của phong trào)"


def label(table: dict[str, str], code: str | None) -> str:
    return table.get(code or "", code or "")


def reasons(codes: str) -> str:
    """Comma-separated eligibility reason codes as Vietnamese text."""
    return "; ".join(label(ELIGIBILITY_REASONS, c) for c in codes.split(",") if c)
