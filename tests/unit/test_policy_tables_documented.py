"""docs/security.md prints every service's policy table as the code has it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from shared.http.policy import policy_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@pytest.mark.parametrize("service", ["campaigns", "dossiers", "notifications", "reporting"])
def test_the_documented_policy_table_is_the_codes(service: str) -> None:
    policy = importlib.import_module(f"services.{service}.http.policy").POLICY
    heading = f"### {service} (`services/{service}/http/policy.py`)\n\n"
    text = DOC.read_text(encoding="utf-8")
    assert heading in text
    start = text.index(heading) + len(heading)
    documented = text[start : text.index("\n\n", start)]
    assert documented == policy_table(policy), f"docs/security.md: regenerate the {service} table"
