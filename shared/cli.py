"""The `tdkt` command line."""

from __future__ import annotations

from pathlib import Path

import typer

from shared.devrunner import run_system

app = typer.Typer(help="tdkt: thi đua – khen thưởng", no_args_is_help=True, add_completion=False)


@app.command()
def up(var_dir: Path = typer.Option(Path("var"), help="Where the SQLite stores and NATS data live")) -> None:
    """Run the whole system locally: its own NATS JetStream and the four services."""
    raise typer.Exit(run_system(var_dir))


@app.command()
def version() -> None:
    """Print the version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("tdkt"))


def main() -> None:
    app()
