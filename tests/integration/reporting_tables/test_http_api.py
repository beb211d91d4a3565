"""The HTTP API without a broker: parameters checked with Vietnamese problem details; exports in
CSV (UTF-8 with BOM) and XLSX with Vietnamese headers; the 0602.N form states what it cannot fill."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.reporting.app import build_app
from services.reporting.rebuild import DECODE_PROCESSES
from services.reporting.settings import ReportingSettings
from shared.natsserver import free_port
from tests.integration.reporting_tables.conftest import Projection
from tests.integration.reporting_tables.test_summary_metrics import history


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = ReportingSettings(
        nats_url=f"nats://127.0.0.1:{free_port()}",  # nobody listens: the API works without NATS
        var_dir=tmp_path,
        reporting_initial_rebuild=False,
    )
    app = build_app(settings)
    Projection(app.state.reporting.live).feed(*history())
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"from": "2023-13-01"}, "from", "Ngày không hợp lệ «2023-13-01»; dùng định dạng YYYY-MM-DD"),
        ({"from": "2023-06-01", "to": "2023-01-31"}, "from", "sau ngày kết thúc"),
        ({"group_by": "district"}, "group_by", "Không có giá trị «district»; chọn một trong: none (Toàn địa bàn)"),
        ({"format": "pdf"}, "format", "chọn một trong: json, csv, xlsx"),
        ({"period": "Q1-2023"}, "period", "Không hiểu «Q1-2023»"),
        ({"small_collective_max": "-1"}, "small_collective_max", "Phải lớn hơn hoặc bằng 0."),
    ],
)
def test_wrong_parameters_are_a_422_problem_in_vietnamese(
    client: TestClient, params: dict[str, str], field: str, fragment: str
) -> None:
    answer = client.get("/reports/summary", params=params)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert fragment in answer.json()["errors"][field]


def test_every_wrong_parameter_is_reported_at_once(client: TestClient) -> None:
    answer = client.get("/reports/summary", params={"from": "hôm qua", "group_by": "xã", "format": "doc"})
    assert set(answer.json()["errors"]) == {"from", "group_by", "format"}
    assert answer.json()["detail"] == "Tham số của báo cáo chưa hợp lệ; xem chi tiết từng tham số."


def test_the_summary_as_csv_has_vietnamese_headers_and_one_row_per_indicator(client: TestClient) -> None:
    answer = client.get("/reports/summary", params={"period": "2023-Q1", "group_by": "channel", "format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="bao-cao-tong-hop_channel_2023-01-01_2023-03-31.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["STT", "Nhóm chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Tổng số"]
    assert set(rows[0][5:]) == {"Bộ phận Một cửa", "Cổng Dịch vụ công trực tuyến", "Dịch vụ bưu chính"}
    received = next(r for r in rows if r[2] == "Số hồ sơ tiếp nhận")
    assert received[3:5] == ["hồ sơ", "3"]
    launched = next(r for r in rows if r[2] == "Số phong trào được phát động")
    assert launched[4] == "1" and launched[5:] == ["", "", ""]  # campaigns are not split by channel


def test_the_summary_as_xlsx_has_the_table_the_communes_and_the_definitions(client: TestClient) -> None:
    answer = client.get("/reports/summary", params={"period": "2023-Q1", "format": "xlsx"})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Tổng hợp", "Xã chưa có LĐTT", "PT chuyên đề chưa đủ ĐK", "Giải thích chỉ tiêu"]
    sheet = book["Tổng hợp"]
    assert sheet["A1"].value == "BÁO CÁO TỔNG HỢP CÔNG TÁC THI ĐUA, KHEN THƯỞNG"
    assert "Quý I năm 2023" in sheet["A2"].value
    values = {row[2]: row[4] for row in sheet.iter_rows(min_row=7, values_only=True) if row[2]}
    assert values["Tổng tiền thưởng theo quyết định"] == 1_980_000
    assert values["Tỷ lệ trả kết quả đúng hẹn"] == 50.0
    thematic = list(book["PT chuyên đề chưa đủ ĐK"].iter_rows(min_row=4, values_only=True))
    assert thematic[0][4] == "Chưa có báo cáo sơ kết, tổng kết"


def test_cash_rewards_by_month_and_unit(client: TestClient) -> None:
    answer = client.get("/reports/cash-rewards", params={"period": "2023-Q1", "interval": "month"}).json()
    assert [r["period"]["label"] for r in answer["rows"] if r["group_key"] is None] == [
        "Tháng 1 năm 2023",
        "Tháng 2 năm 2023",
        "Tháng 3 năm 2023",
    ]
    march = [r for r in answer["rows"] if r["period"]["label"] == "Tháng 3 năm 2023"]
    assert [(r["group_label"], r["cash_reward_vnd"]) for r in march] == [
        ("Phòng Kinh tế", 0),
        ("Xã Bích Hòa", 1_980_000),
        ("Xã Cao Viên", 0),
        ("Cộng", 1_980_000),
    ]
    assert answer["total"]["cash_reward_vnd"] == 1_980_000
    sheet = load_workbook(
        io.BytesIO(client.get("/reports/cash-rewards", params={"period": "2023-Q1", "format": "xlsx"}).content)
    ).active
    assert [c.value for c in sheet[4]][:6] == [
        "Kỳ",
        "Từ ngày",
        "Đến ngày",
        "Đơn vị trình khen",
        "Số lượt khen thưởng",
        "Tổng tiền thưởng (đồng)",
    ]


def test_form_0602_fills_what_the_system_knows_and_says_what_is_unconfirmed(client: TestClient) -> None:
    form = client.get("/reports/forms/0602", params={"year": 2023}).json()
    assert (form["form"], form["title"], form["due"]) == (
        "0602.N/BNV-TĐKT",
        "Số lượng khen thưởng cấp Nhà nước",
        "Ngày 15 tháng 12 năm báo cáo",
    )
    rows = {r["code"]: r for r in form["rows"] if r["code"]}
    assert list(rows) == [str(c) for c in (1, 2, 3, *range(6, 22))]
    assert rows["1"]["local_total"] == 2
    assert rows["6"]["local_by_award"] == {"ADVANCED_COLLECTIVE": 1, "ADVANCED_WORKER": 0}
    assert rows["14"]["local_total"] == 1  # the direct worker
    assert rows["15"]["local_total"] == 2  # annual titles count as regular ("thường xuyên")
    assert rows["10"]["local_total"] is None and rows["21"]["local_total"] is None
    assert all(v is None for v in rows["1"]["state_level"].values())
    assert any("dòng mã số 4 và 5" in u for u in form["unconfirmed"])
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get("/reports/forms/0602", params={"year": 2023, "format": "csv"}).text.lstrip("\ufeff"))
        )
    )
    assert csv_rows[0][:3] == ["Chỉ tiêu", "Mã số", "Đơn vị tính"]


def test_form_0602_refuses_a_year_together_with_a_range(client: TestClient) -> None:
    answer = client.get("/reports/forms/0602", params={"year": 2023, "period": "2023-Q1"})
    assert answer.status_code == 422
    assert answer.json()["errors"]["year"] == "Không dùng cùng lúc với from/to/period."


def test_the_skeletons_count_by_lead_unit_still_answers(client: TestClient) -> None:
    assert client.get("/reports/campaigns").json() == [
        {"lead_unit_code": "PKT", "lead_unit_name": "Phòng Kinh tế", "campaigns": 1, "registered": 1},
        {"lead_unit_code": "PVHTT", "lead_unit_name": "Phòng Văn hóa", "campaigns": 1, "registered": 1},
    ]


def test_starting_a_rebuild_names_its_actor(client: TestClient) -> None:
    answer = client.post("/admin/rebuild")
    assert answer.status_code == 401
    assert "Authorization: Bearer" in answer.json()["detail"]


def test_the_asyncapi_document_lists_the_streams_reporting_reads(client: TestClient) -> None:
    """Reporting's consumers pull batches with nats-py, not through FastStream; its AsyncAPI
    document still says what it reads, under which durable consumer."""
    channels = client.get("/asyncapi.json").json()["channels"]
    read = {c["address"]: c["description"] for c in channels.values()}
    assert read == {
        "tdkt.campaign.>": "Cập nhật bảng báo cáo từ luồng TDKT_CAMPAIGNS",
        "tdkt.>": "Cập nhật bảng báo cáo từ luồng TDKT_DOSSIERS",
        "tdkt.notification.>": "Cập nhật bảng báo cáo từ luồng TDKT_NOTIFICATIONS",
    }


def test_the_rebuild_decodes_in_as_many_processes_as_configured(tmp_path: Path) -> None:
    """`TDKT_REPORTING_REBUILD_DECODE_PROCESSES=0` keeps a rebuild's decoding in a thread (a pod
    limited to one CPU); unset, the cores but one."""
    common = {"nats_url": f"nats://127.0.0.1:{free_port()}", "reporting_initial_rebuild": False}
    in_thread = build_app(ReportingSettings(var_dir=tmp_path / "a", reporting_rebuild_decode_processes=0, **common))
    default = build_app(ReportingSettings(var_dir=tmp_path / "b", **common))
    assert in_thread.state.reporting.rebuilder.decode_processes == 0
    assert default.state.reporting.rebuilder.decode_processes == DECODE_PROCESSES >= 1
