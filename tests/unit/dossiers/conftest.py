"""Fixtures of the dossiers tests; the given–when–then helpers live in `helpers.py`."""

from __future__ import annotations

import pytest

from services.dossiers.application import Dossiers


@pytest.fixture
def app() -> Dossiers:
    """A dossiers application on the in-memory (POPO) store."""
    return Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
