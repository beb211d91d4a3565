"""Vietnamese words for the codes that events carry, for the templates.

The words of the published codes come from `shared.contracts.labels`; this module adds the
words of this service's own delivery channels, and of the standards the council confirms when no
record shows them (`tdkt.dossier.council_check_recorded` carries their keys; the wording is the
dossiers' rule sets', checked against them by a test).
"""

from __future__ import annotations

from shared.contracts.labels import ALL_CODES, ANNULMENT_GROUNDS

LABELS: dict[str, str] = {
    **ALL_CODES,
    # delivery channels of this service
    "email": "Thư điện tử",
    "webhook": "Webhook",
    "inbox": "Hộp thư trong ứng dụng",
}


COUNCIL_STANDARDS: dict[str, str] = {
    "commendation_merit": "Gương mẫu chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; có thành "
    "tích xuất sắc được bình xét trong phong trào thi đua hoặc lập được thành tích đột xuất",
    "three_grassroots_fighter_terms": 'Có 03 lần liên tục đạt danh hiệu "Chiến sĩ thi đua cơ sở"',
    "province_wide_initiative": "Có sáng kiến, đề tài khoa học, đề án khoa học hoặc công trình khoa học và công nghệ "
    "có phạm vi ảnh hưởng trong tỉnh",
    "national_commendation_merit": "Có thành tích xuất sắc tiêu biểu, có phạm vi ảnh hưởng trong tỉnh hoặc trong "
    "ngành, đủ điều kiện đề nghị Thủ tướng Chính phủ tặng Bằng khen",
    "advanced_members_no_discipline": 'Có trên 50% cá nhân trong tập thể đạt danh hiệu "Lao động tiên tiến" và '
    "không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên",
    "all_advanced_some_fighters": "Có phong trào thi đua thường xuyên, thiết thực, hiệu quả; 100% cá nhân hoàn thành "
    'nhiệm vụ, có cá nhân đạt danh hiệu "Chiến sĩ thi đua cơ sở"; không có cá nhân bị kỷ luật từ cảnh cáo trở lên',
    "certificate_merit": "Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước và có thành tích "
    "được bình xét trong phong trào thi đua, hoặc lập được thành tích đột xuất, hoặc hoàn thành tốt nhiệm vụ",
    "excellent_tasks": "Sáng tạo, vượt khó hoàn thành xuất sắc nhiệm vụ, thực hiện tốt các nghĩa vụ đối với Nhà nước",
    "family_happy": "Gia đình hạnh phúc, tiến bộ, tương trợ giúp đỡ mọi người trong cộng đồng",
    "family_law_and_movement": "Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước; tích cực "
    "tham gia phong trào thi đua của địa phương",
    "family_work": "Tổ chức lao động, sản xuất, kinh doanh, công tác, học tập đạt năng suất, chất lượng, hiệu quả",
    "law_and_ethics": "Gương mẫu chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; có đạo đức, "
    "lối sống lành mạnh, đoàn kết, tương trợ, giúp đỡ mọi người trong cộng đồng",
    "movement_effective": "Có phong trào thi đua thường xuyên, thiết thực, hiệu quả",
    "productive_work": "Lao động, sản xuất có hiệu quả, tích cực tham gia phong trào thi đua và hoạt động xã hội",
    "tasks_done_well": "Hoàn thành tốt nhiệm vụ và kế hoạch được giao",
    "unity_and_law": "Nội bộ đoàn kết, chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước",
    "village_culture": "Đời sống văn hóa, tinh thần lành mạnh, phong phú",
    "village_economy": "Đời sống kinh tế ổn định và từng bước phát triển",
    "village_environment": "Môi trường, cảnh quan sạch đẹp",
    "village_law": "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước",
    "village_solidarity": "Có tinh thần đoàn kết, tương trợ, giúp đỡ lẫn nhau trong cộng đồng",
}


def council_standard(key: object) -> str:
    """The wording of a standard the council confirms, or its key when unknown."""
    return COUNCIL_STANDARDS.get(str(key), str(key))


def label(code: object) -> str:
    """The Vietnamese word for a code, or the code itself when there is none."""
    if code is None:
        return ""
    return LABELS.get(str(code), str(code))


def annulment_ground(code: object) -> str:
    return ANNULMENT_GROUNDS.get(str(code), str(code))
