"""The dossiers service's campaign view keeps the level that launched a movement (dispatch 147,
point 4), also in a view created before it had the column."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from services.dossiers.campaign_table import CampaignTable, apply_campaign_event, campaigns, create_tables
from shared.contracts.campaigns import CampaignLaunched
from shared.sqlstore import make_engine
from tests.support.contracts import campaign_payload

EVENT = CampaignLaunched.model_validate(
    campaign_payload(
        {
            "campaign_id": "6c1f1f5e-2f7b-4c39-9f8e-6f0f0b5b9a11",
            "code": "PT-2023-NTM",
            "name": "Toàn dân chung sức xây dựng Nông thôn mới",
            "kind": "thematic",
            "status": "launched",
            "lead_unit": {"code": "PKT", "name": "Phòng Kinh tế"},
            "launching_level": "District",
            "eligibility": {"eligible": True, "reasons": []},
        },
        3,
        contract=CampaignLaunched,
        launched_on="2023-01-20",
    )
)


def test_an_older_view_gains_the_launching_level_and_keeps_its_rows(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'view.sqlite'}")
    with engine.begin() as conn:  # the table as it was before the column existed, with a row
        conn.execute(
            text(
                f"CREATE TABLE {campaigns.name} (campaign_id VARCHAR(64) PRIMARY KEY, code VARCHAR(100) NOT NULL, "
                "name VARCHAR(500) NOT NULL, kind VARCHAR(50) NOT NULL, status VARCHAR(50) NOT NULL, "
                "lead_unit_code VARCHAR(100) NOT NULL, eligible BOOLEAN NOT NULL, eligibility_reasons TEXT NOT NULL, "
                "version INTEGER NOT NULL, updated_at DATETIME NOT NULL)"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO {campaigns.name} VALUES ('c-old', 'PT-OLD', 'Cũ', 'thematic', 'launched', 'PKT', 1, "
                "'[]', 2, '2024-01-01 00:00:00')"
            )
        )
    create_tables(engine)
    create_tables(engine)  # idempotent
    view = CampaignTable(engine)
    assert view.lookup("c-old").launching_level == ""  # unknown until the campaign's next event
    with engine.begin() as conn:
        assert apply_campaign_event(conn, EVENT)
    assert view.lookup(EVENT.campaign.campaign_id).launching_level == "district"
