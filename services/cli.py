"""The `tdkt` command line."""

from __future__ import annotations

from pathlib import Path

import typer

from audit.cli import app as audit_app
from services.devrunner import ensure_dev_pii_key, run_system
from services.reporting.cli import app as reporting_app
from services.storecli import app as store_app

app = typer.Typer(help="tdkt: thi đua – khen thưởng", no_args_is_help=True, add_completion=False)
app.add_typer(reporting_app, name="reporting")
app.add_typer(store_app, name="store")
app.add_typer(audit_app, name="audit")


@app.command()
def up(
    var_dir: Path = typer.Option(Path("var"), help="Where the SQLite stores and NATS data live"),
    demo: bool = typer.Option(True, help="Load the demo movements when the campaigns store is empty"),
    nats_port: int = typer.Option(4223, help="Port of the NATS server it starts (unless TDKT_NATS_URL is set)"),
    first_port: int = typer.Option(8001, help="HTTP port of campaigns; dossiers, notifications, reporting follow"),
    console_port: int | None = typer.Option(None, help="HTTP port of the web console (default: first port - 1)"),
) -> None:
    """Run the whole system locally: its own NATS JetStream, the four services and the web console."""
    ensure_dev_pii_key(var_dir)  # before the first store is written
    if demo:
        _seed_if_empty(var_dir)
    raise typer.Exit(run_system(var_dir, nats_port=nats_port, first_port=first_port, console_port=console_port))


@app.command("seed-demo")
def seed_demo_command(
    var_dir: Path = typer.Option(Path("var"), help="The var folder of the campaigns store (SQLite default)"),
) -> None:
    """Register the movements dispatch 147 names, under their lead offices (skips existing ones)."""
    from services.campaigns.app import open_campaigns
    from services.campaigns.seed import seed_demo
    from services.campaigns.settings import CampaignsSettings

    campaigns = open_campaigns(CampaignsSettings(var_dir=var_dir))
    try:
        added = seed_demo(campaigns)
    finally:
        campaigns.close()
    typer.echo(f"Đã nạp {added} phong trào mẫu (Công văn 147/UBND-NV, năm 2023).")


def _seed_if_empty(var_dir: Path) -> None:
    from services.campaigns.app import open_campaigns
    from services.campaigns.seed import seed_demo, store_is_empty
    from services.campaigns.settings import CampaignsSettings

    campaigns = open_campaigns(CampaignsSettings(var_dir=var_dir))
    try:
        if store_is_empty(campaigns):
            added = seed_demo(campaigns)
            typer.echo(f"Kho phong trào trống: đã nạp {added} phong trào mẫu năm 2023.")
    finally:
        campaigns.close()


@app.command()
def schemas(out: Path = typer.Option(Path("docs/contracts"), help="Folder for the JSON Schema files")) -> None:
    """Write the JSON Schema of every published event contract."""
    from shared.contracts.schemas import write_schemas

    for path in write_schemas(out):
        typer.echo(path)


@app.command("rule-sets")
def rule_sets(out: Path = typer.Option(Path("docs/rule-sets.md"), help="Where to write the document")) -> None:
    """Write the rule sets as a document: every entry, its article, and whether its text was read."""
    from services.dossiers import ruleset_doc
    from services.dossiers.domain.rules import RuleBook

    typer.echo(ruleset_doc.write(RuleBook.load(), out))


@app.command()
def version() -> None:
    """Print the version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("tdkt"))


def main() -> None:
    app()
