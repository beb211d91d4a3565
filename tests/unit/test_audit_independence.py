"""The auditor's independent tools import nothing of tdkt: an outside party can run them as they are."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

AUDIT = Path(__file__).resolve().parents[2] / "audit"
INDEPENDENT = ("subscriber.py", "replay.py", "bundlecheck.py")


@pytest.mark.parametrize("module", INDEPENDENT)
def test_an_independent_tool_imports_no_service_and_no_shared_code(module: str) -> None:
    tree = ast.parse((AUDIT / module).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    ours = {name for name in imported if name.split(".")[0] in ("services", "shared", "tests")}
    assert not ours, f"{module} imports {sorted(ours)}"
    assert all(name.split(".")[0] != "audit" or name in ("audit.subscriber", "audit.bundlecheck") for name in imported)
