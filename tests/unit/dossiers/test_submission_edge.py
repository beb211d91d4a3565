"""The receipt form is parsed once, at the edge, into a typed command: every problem of the form
at once (its shape and the receipt rules), and the aggregate gets typed values only."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.domain.values import Channel, DossierKind, Nominee, NomineeKind
from services.dossiers.submission import read_submission
from tests.support.dossiers import collective, form, rules

RECEIVED = date(2024, 6, 3)


def test_the_command_carries_typed_values_with_nominee_ids() -> None:
    command = read_submission(form(proposing_unit=" THCS-KIM-BAI "))
    assert command.channel is Channel.ONE_STOP_DESK and command.kind is DossierKind.ANNUAL_TITLE
    assert command.proposing_unit == "THCS-KIM-BAI"
    assert all(isinstance(n, Nominee) for n in command.nominees)
    assert [(n.nominee_id, n.kind) for n in command.nominees] == [
        ("n1", NomineeKind.INDIVIDUAL),
        ("n2", NomineeKind.INDIVIDUAL),
    ]


def test_the_edge_reports_the_form_and_the_receipt_rules_at_once() -> None:
    with pytest.raises(DossierValidationError) as raised:
        read_submission(
            form(kind="YEAR_END", award_type="AD_HOC", nominees=[collective()], channel="FAX"),
            rules=rules("2024-nd98"),
            received_on=RECEIVED,
        )
    errors = raised.value.field_errors
    assert errors["feat_date"] == "Bắt buộc nhập."  # the form: an ad-hoc award needs the feat's date
    assert errors["channel"].startswith("Giá trị không hợp lệ")  # the form: no such channel
    assert errors["award_type"] == "Loại hình khen thưởng không phù hợp với loại hồ sơ."  # a receipt rule


def test_what_the_surroundings_found_wins_over_the_rest() -> None:
    with pytest.raises(DossierValidationError) as raised:
        read_submission(
            form(proposing_unit=""),
            rules=rules("2024-nd98"),
            received_on=RECEIVED,
            edge_errors={"proposing_unit": "Không tìm thấy đơn vị."},
        )
    assert raised.value.field_errors == {"proposing_unit": "Không tìm thấy đơn vị."}
