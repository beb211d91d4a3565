"""What the reporting endpoints share: the database, the live projection, the rebuilder, and the
reference data (organisation units, working-day calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from services.reporting.live import LiveProjection
from services.reporting.rebuild import Rebuilder
from services.reporting.settings import ReportingSettings
from shared.reference.org_units import OrgUnitDirectory


@dataclass
class ReportingContext:
    settings: ReportingSettings
    engine: Engine
    live: LiveProjection
    rebuilder: Rebuilder
    units: OrgUnitDirectory


def get_context(request: Request) -> ReportingContext:
    return request.app.state.reporting  # type: ignore[no-any-return]


ContextDep = Annotated[ReportingContext, Depends(get_context)]
