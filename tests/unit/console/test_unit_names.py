"""Units are named, not coded: from the campaigns service's catalogue, else (the service not
answering, or not listing the unit) from the packaged org-unit data; a code no data knows as is."""

from __future__ import annotations

from pathlib import Path

from services.console.units import UnitCatalogue


def test_a_unit_the_catalogue_does_not_list_is_named_from_the_packaged_data(tmp_path: Path) -> None:
    units = UnitCatalogue(client=None)  # type: ignore[arg-type]  # nothing asked of the service here
    assert units.name("XA-THANH-OAI-2025") == "Ủy ban nhân dân xã Thanh Oai"
    assert units.name("xa-dan-hoa-2025") == "Ủy ban nhân dân xã Dân Hòa"
    assert units.name("KHONG-CO") == "KHONG-CO" and units.name(None) == ""
    units._by_code = {"XA-THANH-OAI-2025": {"code": "XA-THANH-OAI-2025", "name": "xã Thanh Oai (danh mục)"}}
    assert units.name("XA-THANH-OAI-2025") == "xã Thanh Oai (danh mục)"  # the service's catalogue first
    missing = UnitCatalogue(client=None, reference=tmp_path / "khong-co.yaml")  # type: ignore[arg-type]
    assert missing.name("XA-THANH-OAI-2025") == "XA-THANH-OAI-2025"
