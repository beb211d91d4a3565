"""Who is told: units from the directory and the contacts file, people only when the dossier names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.notifications.catalogue import Audience
from services.notifications.contacts import ContactBook, ContactsError, load_contacts
from services.notifications.recipients import EMAIL, INBOX, WEBHOOK, RecipientResolver
from shared.reference.org_units import load_org_units
from tests.support import notification_events as events


def book(tmp_path: Path, text: str, **kwargs: str) -> ContactBook:
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contacts(path, load_org_units(), **kwargs)  # type: ignore[arg-type]


def test_the_secretariat_is_the_directory_s_standing_body_with_its_dev_addresses(contacts: ContactBook) -> None:
    [pnv] = RecipientResolver(contacts).resolve(Audience.SECRETARIAT, {})
    assert (pnv.key, pnv.name) == ("PNV", "Phòng Nội vụ")
    assert pnv.emails == ("thiduakhenthuong.pnv@thanhoai.example", "vanthu.pnv@thanhoai.example")
    assert pnv.channels() == [
        (INBOX, "PNV"),
        (EMAIL, "thiduakhenthuong.pnv@thanhoai.example"),
        (EMAIL, "vanthu.pnv@thanhoai.example"),
    ]


def test_a_unit_without_an_entry_gets_the_pattern_address(contacts: ContactBook) -> None:
    assert contacts.unit("xa-bich-hoa").emails == ("xa-bich-hoa@thanhoai.example",)


def test_the_proposing_unit_and_the_contact_named_on_the_dossier(contacts: ContactBook) -> None:
    event = events.dossier_submitted(contact={"name": "Lê Văn Nam", "email": "Nam.LV@thcskimbai.example"})
    unit, person = RecipientResolver(contacts).resolve(Audience.PROPOSING_UNIT, events.payload(event))
    assert (unit.key, unit.name, unit.emails) == (
        "PGDDT",
        "Phòng Giáo dục và Đào tạo",
        ("phonggiaoduc@thanhoai.example",),
    )
    assert (person.key, person.name, person.kind) == ("nam.lv@thcskimbai.example", "Lê Văn Nam", "person")
    assert person.channels() == [(INBOX, "nam.lv@thcskimbai.example"), (EMAIL, "Nam.LV@thcskimbai.example")]


def test_nominees_are_told_only_when_they_have_an_address(contacts: ContactBook) -> None:
    people = RecipientResolver(contacts).resolve(Audience.NOMINEES, events.payload(events.award_decided()))
    assert [(p.key, p.name) for p in people] == [("huong.nt@thcskimbai.example", "Nguyễn Thị Hương")]


def test_an_annulment_reaches_only_the_nominees_it_concerns(contacts: ContactBook) -> None:
    payload = events.payload(events.award_annulled())
    payload["nominee_ids"] = ["n2"]
    assert RecipientResolver(contacts).resolve(Audience.NOMINEES, payload) == []


def test_the_lead_unit_of_a_campaign(contacts: ContactBook) -> None:
    [lead] = RecipientResolver(contacts).resolve(Audience.LEAD_UNIT, events.payload(events.review_overdue()))
    assert (lead.key, lead.emails) == ("PVHTT", ("phongvanhoa@thanhoai.example",))


def test_an_unknown_unit_keeps_the_name_the_event_gave_and_gets_its_inbox_only(tmp_path: Path) -> None:
    contacts = book(tmp_path, "units: {}\n")
    unit = contacts.unit("THCS-KIM-BAI", "Trường THCS Kim Bài")
    assert (unit.name, unit.emails) == ("Trường THCS Kim Bài", ())


def test_the_contacts_file_wins_over_the_directory_and_carries_webhooks(tmp_path: Path) -> None:
    contacts = book(
        tmp_path,
        "units:\n  pkt:\n    emails: kinhte@thanhoai.example\n"
        "    webhook: https://pkt.thanhoai.example/hook\n    webhook_secret: khoa-rieng-cua-pkt\n",
    )
    unit = contacts.unit("PKT")
    assert unit.emails == ("kinhte@thanhoai.example",)
    assert (unit.webhook, unit.webhook_secret) == ("https://pkt.thanhoai.example/hook", "khoa-rieng-cua-pkt")
    resolved = RecipientResolver(contacts).resolve(Audience.LEAD_UNIT, {"campaign": {"lead_unit": {"code": "PKT"}}})
    assert resolved[0].channels()[-1] == (WEBHOOK, "https://pkt.thanhoai.example/hook")


def test_a_webhook_without_a_signing_key_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ContactsError, match="chưa có khóa ký"):
        book(tmp_path, "units:\n  PKT:\n    webhook: https://pkt.thanhoai.example/hook\n")
    ok = book(
        tmp_path, "units:\n  PKT:\n    webhook: https://pkt.thanhoai.example/hook\n", default_webhook_secret="k" * 20
    )
    assert ok.unit("PKT").webhook_secret == "k" * 20


def test_a_malformed_address_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ContactsError, match="không hợp lệ ở đơn vị PNV"):
        book(tmp_path, "units:\n  PNV:\n    emails: [phong-noi-vu]\n")
