"""A subject carries v1 and v2 side by side: the registry keys contracts by subject and version."""

from __future__ import annotations

from typing import ClassVar

import pytest

from shared.contracts.base import REGISTRY, EventContract
from tests.support.versions import SUBJECT, RenamedV1, RenamedV2, both_versions, registry_with_both


def test_both_versions_of_a_subject_are_registered_and_the_latest_is_the_default() -> None:
    registry = registry_with_both()
    assert registry.versions(SUBJECT) == [1, 2]
    assert registry.get(SUBJECT, 1) is RenamedV1
    assert registry.get(SUBJECT) is RenamedV2
    assert RenamedV1.ce_type().endswith(".v1") and RenamedV2.ce_type().endswith(".v2")


def test_a_payload_is_parsed_by_the_version_it_was_published_under() -> None:
    registry = registry_with_both()
    v1, v2 = both_versions()
    assert registry.parse(SUBJECT, v1.payload()) == v1
    assert registry.parse(SUBJECT, v2.payload()) == v2
    assert registry.for_payload(SUBJECT, {**v1.payload(), "schema_version": 3}) is None


def test_a_second_class_for_the_same_subject_and_version_is_refused() -> None:
    class Clash(EventContract):
        subject: ClassVar[str] = SUBJECT
        title: str

    registry = registry_with_both()
    with pytest.raises(ValueError, match="v1 already has RenamedV1"):
        registry.register(Clash)


def test_every_published_contract_is_registered_at_its_version() -> None:
    for contract in REGISTRY.all():
        version = contract.model_fields["schema_version"].default
        assert REGISTRY.get(contract.subject, version) is contract
