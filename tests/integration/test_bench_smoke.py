"""The benchmark harness runs (tiny sizes, one round) and writes its results file. It times
nothing that a test asserts: speed targets live in `make bench` (docs/performance.md)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from benchmarks.__main__ import main


def test_the_bench_harness_runs_and_writes_every_figure_with_its_reference(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    assert main(["--quick", "relay", "queries", "history", "--out", str(out)]) == 0
    assert logging.root.manager.disable == logging.NOTSET  # the tests after it still see their logs
    document = json.loads(out.read_text(encoding="utf-8"))
    figures = {f["item"] for f in document["figures"]}
    assert {"2 relay", "5 queries", "6 history", "7 memory"} <= figures
    relay = next(f for f in document["figures"] if f["item"] == "2 relay")
    assert relay["raw"] and relay["reference"]["raw"] and relay["ratio"] > 0
    assert {"figure", "median", "min", "max", "ratio", "target", "pass"} <= relay.keys()
    assert document["options"]["quick"] is True
