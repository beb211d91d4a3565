"""`make bench`: measure the issue-14 items side by side and write `bench/results.json`.

    python -m benchmarks [--postgres] [--events N] [--dossiers N] [--rounds N] [--quick] [ITEM ...]

ITEM is any of: relay, write, projection, queries, history (default: all of these), summary (item
5's year summary alone, on tables built without the broker; only when named). `--quick` runs tiny
sizes (the smoke test). The older one-off benchmarks still run alone:
`python -m benchmarks --legacy [relay|reporting|audit|documents]`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import pkgutil
import resource
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import benchmarks
from benchmarks.context import Context
from benchmarks.results import Figure, Run
from shared.natsserver import NatsServerProcess, free_port
from shared.testing.servers import postgres_server

ITEMS = ("relay", "write", "projection", "queries", "history", "summary")
DEFAULT_ITEMS = ITEMS[:-1]
"""`summary` measures again what `projection` ends with, alone: only when named."""


def legacy(selected: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    for name in names:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()
    return 0


def parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("items", nargs="*", help=f"any of {', '.join(ITEMS)} (default: all but summary)")
    p.add_argument("--postgres", action="store_true", help="event stores and read models on PostgreSQL")
    p.add_argument("--events", type=int, default=100_000, help="events of the projection catch-up (item 4)")
    p.add_argument("--dossiers", type=int, default=20_000, help="rows of the dossiers query model (item 5)")
    p.add_argument("--rounds", type=int, default=3, help="side-by-side rounds per ratio")
    p.add_argument("--window", type=int, default=1000, help="messages in flight of the raw nats-py references")
    p.add_argument("--quick", action="store_true", help="tiny sizes, one round: checks the harness runs")
    p.add_argument("--out", type=Path, default=Path("bench/results.json"))
    p.add_argument("--legacy", action="store_true", help="run the older benchmarks/bench_*.py instead")
    return p.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    """Run the bench; logging below CRITICAL is off meanwhile (consumers log every empty fetch as
    an error) and back as it was afterwards (the smoke test runs this inside pytest)."""
    before = logging.root.manager.disable
    logging.disable(logging.ERROR)
    try:
        return _main(argv)
    finally:
        logging.disable(before)


def _main(argv: Sequence[str]) -> int:
    args = parse(argv)
    if args.legacy:
        return legacy(args.items)
    unknown = set(args.items) - set(ITEMS)
    if unknown:
        print(f"unknown item(s): {', '.join(sorted(unknown))}; choose from {', '.join(ITEMS)}", file=sys.stderr)
        return 2
    rounds = 1 if args.quick else args.rounds
    events = min(args.events, 3000) if args.quick else args.events
    dossiers = min(args.dossiers, 300) if args.quick else args.dossiers
    options = {**vars(args), "out": str(args.out), "rounds": rounds, "events": events, "dossiers": dossiers}
    run = Run(options)
    selected = args.items or list(DEFAULT_ITEMS)
    servers = postgres_server() if args.postgres else contextlib.nullcontext(None)
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as folder, servers as pg:
        if args.postgres and isinstance(pg, str):
            print(pg, file=sys.stderr)
            return 2
        workdir = Path(folder)
        with NatsServerProcess(free_port(), workdir / "nats") as nats_server:
            ctx = Context(
                workdir,
                nats_server.url,
                run,
                rounds=rounds,
                window=args.window,
                events=events,
                dossiers=dossiers,
                quick=args.quick,
                postgres=pg if args.postgres and not isinstance(pg, str) else None,
            )
            try:
                for item in selected:
                    print(f"== {item} ({ctx.store_label})", flush=True)
                    importlib.import_module(f"benchmarks.item_{item}").run(ctx)
            finally:
                if ctx.postgres is not None:
                    ctx.drop_databases()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Informational: this process also generates data and holds the rows it copies, so it is not
    # a service's footprint (those are measured on the service processes in item 1/3).
    run.add(Figure("7 memory", "peak RSS of the bench process itself", "MiB", [rss]))
    run.write(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
