"""The fast subset of `make chaos`: the real services as processes on a real nats-server, a fault
injected under load, the invariants checked (chaos.audit). The full set runs with `make chaos`."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.scenarios import SCENARIOS, Scenario, run_scenario

pytestmark = pytest.mark.e2e

QUICK = [s for s in SCENARIOS if s.quick]


@pytest.mark.parametrize("scenario", QUICK, ids=[s.name.replace(" ", "-") for s in QUICK])
def test_the_system_recovers_from_the_fault_and_loses_or_doubles_nothing(scenario: Scenario, tmp_path: Path) -> None:
    row = run_scenario(scenario, tmp_path / "chaos", size=6, postgres=None, concurrency=3)
    assert row.ok, "\n".join([*row.failures, f"logs: {tmp_path / 'chaos'}"])
    assert row.acknowledged >= 12 and row.stored == row.published == row.applied + row.for_subscribers
    assert row.duplicates == row.losses == 0
