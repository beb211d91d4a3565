"""Form 0601 (the number of emulation movements) beside form 0602, from the projected events."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.integration.reporting_tables.test_http_api import client  # noqa: F401  (the fixture)


def test_form_0601_counts_the_years_movements_by_kind_and_level(client: TestClient) -> None:  # noqa: F811
    form = client.get("/reports/forms/0601", params={"year": 2023}).json()
    rows = {r["code"]: r for r in form["rows"]}
    assert form["form"] == "0601.N/BNV-TĐKT"
    assert {k: rows["1"][k] for k in ("movements", "registered", "launched", "final_review")} == {
        "movements": 2, "registered": 2, "launched": 1, "final_review": 1,
    }  # fmt: skip
    assert (rows["2.1"]["movements"], rows["2.1"]["final_review"]) == (1, 1)  # regular, its final review filed
    assert (rows["2.3"]["movements"], rows["2.3"]["launched"]) == (1, 1)  # thematic, launched
    assert rows["2.2"]["movements"] == 0 and rows["3.1"]["movements"] == 2
    assert client.get("/reports/forms/0601", params={"year": 2022}).json()["rows"][0]["movements"] == 0


def test_form_0601_beside_0602_in_one_workbook(client: TestClient) -> None:  # noqa: F811
    both = client.get("/reports/forms/0601-0602", params={"year": 2023}).json()
    assert both["0601"]["rows"][0]["movements"] == 2 and both["0602"]["form"] == "0602.N/BNV-TĐKT"
    book = load_workbook(
        io.BytesIO(client.get("/reports/forms/0601-0602", params={"year": 2023, "format": "xlsx"}).content)
    )
    assert book.sheetnames == ["Biểu 0601.N", "Biểu 0602.N"]
    refused = client.get("/reports/forms/0601-0602", params={"year": 2023, "format": "csv"})
    assert refused.status_code == 422 and "xlsx" in refused.json()["errors"]["format"]
