"""`make chaos` (`python -m chaos`): every fault scenario, each on a fresh system, one row each.

    python -m chaos                      # every scenario, 20 commands per load phase
    python -m chaos --quick              # the fast subset that `make test` also runs
    python -m chaos "kill-9 dossiers" --size 40

Scenarios needing PostgreSQL use `TDKT_TEST_POSTGRES_DSN` when set, else a throw-away local
cluster (`initdb`). The exit status is 0 only when every row holds every invariant. Logs of each
run stay in the folder printed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from chaos.audit import Row
from chaos.scenarios import SCENARIOS, Scenario, run_scenario
from shared.testing.servers import PostgresServer, postgres_server

HEADER = ("scenario", "acked", "stored", "published", "applied", "dups", "losses", "ok", "s")


def table(rows: Sequence[Row]) -> str:
    cells = [HEADER] + [
        (
            r.scenario,
            str(r.acknowledged),
            str(r.stored),
            str(r.published),
            str(r.applied),
            str(r.duplicates),
            str(r.losses),
            "yes" if r.ok else "NO",
            f"{r.seconds:.0f}",
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells[1:]]
    return "\n".join(lines)


def details(rows: Sequence[Row]) -> str:
    out = []
    for r in rows:
        for note in r.notes:
            out.append(f"- {r.scenario}: {note}")
        for failure in r.failures:
            out.append(f"- {r.scenario}: FAILED: {failure}")
    return "\n".join(out)


@contextlib.contextmanager
def maybe_postgres(needed: bool) -> Iterator[PostgresServer | None]:
    if not needed:
        yield None
        return
    with postgres_server() as server:
        if isinstance(server, str):
            print(f"PostgreSQL scenarios cannot run: {server}", file=sys.stderr)
            yield None
        else:
            yield server


def run(scenarios: Sequence[Scenario], *, size: int, workdir: Path, concurrency: int = 4) -> list[Row]:
    rows = []
    with maybe_postgres(any(s.postgres for s in scenarios)) as postgres:
        for n, scenario in enumerate(scenarios, 1):
            print(f"[{n}/{len(scenarios)}] {scenario.name}: {scenario.summary} …", flush=True)
            folder = workdir / f"{n:02d}-{scenario.name.replace(' ', '-').replace('+', 'and')}"
            row = run_scenario(scenario, folder, size=size, postgres=postgres, concurrency=concurrency)
            print(f"    {'ok' if row.ok else 'FAILED'} in {row.seconds:.0f} s", flush=True)
            rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="scenarios to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="only the fast subset (what `make test` runs)")
    parser.add_argument("--size", type=int, default=20, help="commands acknowledged per phase of load")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients")
    parser.add_argument("--workdir", type=Path, default=None, help="where logs and stores go (default: a temp dir)")
    args = parser.parse_args(argv)
    chosen = [s for s in SCENARIOS if (not args.names or s.name in args.names) and (s.quick or not args.quick)]
    if not chosen:
        parser.error(f"no such scenario; choose from: {', '.join(s.name for s in SCENARIOS)}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tdkt-chaos-"))
    started = time.monotonic()
    rows = run(chosen, size=args.size, workdir=workdir, concurrency=args.concurrency)
    print()
    print(table(rows))
    print()
    print(details(rows))
    print(f"\n{len(rows)} scenarios in {time.monotonic() - started:.0f} s; logs in {workdir}")
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
