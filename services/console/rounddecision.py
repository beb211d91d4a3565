"""The chairman's decision for a round's whole list: everyone the council voted for is awarded,
except the nominees the chairman names, one a line — the row's number in the list (STT) or its
code in the list, then the reason. Pure text handling here; the view reads the rows named from the
service and asks it for the summary before the decision is signed."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_LINE = re.compile(r"^\s*(?P<key>\d+|[^\s:]+:[^\s:]+:\w+)\s*[:\-–]?\s*(?P<reason>.*?)\s*$")
MAX_NAMED = 500
"""More lines than this is not "a few not awarded": the list should go back to the council."""


@dataclass(frozen=True)
class Named:
    line: int
    key: int | str
    """The row's number in the whole list (int), or its code in the list (str)."""
    reason: str


def parse_named(text: str) -> tuple[list[Named], list[str]]:
    """Each non-blank line of `text` as (row number or code, reason); the lines that are not, as
    Vietnamese messages naming the line."""
    named: list[Named] = []
    problems: list[str] = []
    seen: dict[int | str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _LINE.match(line)
        if not found:
            problems.append(f"Dòng {number}: phải bắt đầu bằng số thứ tự (STT) hoặc mã trong danh sách.")
            continue
        key: int | str = int(found["key"]) if found["key"].isdigit() else found["key"]
        if not found["reason"]:
            problems.append(f"Dòng {number}: ghi lý do không khen thưởng.")
        elif key in seen:
            problems.append(f"Dòng {number}: trùng với dòng {seen[key]}.")
        else:
            named.append(Named(number, key, found["reason"]))
        seen.setdefault(key, number)
    if len(named) > MAX_NAMED:
        problems.append(f"Nêu tối đa {MAX_NAMED} người không khen thưởng trong một quyết định.")
    return named, problems


def keys_in(text: str) -> set[int | str]:
    """The rows the lines name, reason given or not."""
    found: set[int | str] = set()
    for line in text.splitlines():
        if m := _LINE.match(line):
            found.add(int(m["key"]) if m["key"].isdigit() else m["key"])
    return found


def with_picked(text: str, picked: Sequence[str]) -> str:
    """Rows ticked in the list join the lines (a line each, with the reason still to type)."""
    have = keys_in(text)
    added = [f"{n}: " for n in dict.fromkeys(p.strip() for p in picked) if n.isdigit() and int(n) not in have]
    kept = text.rstrip()
    return "\n".join([kept, *added] if kept else added)


def pages_needed(named: Sequence[Named], size: int) -> list[int]:
    """The pages of the whole list that hold the rows named by number."""
    return sorted({(n.key - 1) // size + 1 for n in named if isinstance(n.key, int) and n.key > 0})


def units_needed(named: Sequence[Named]) -> list[str]:
    """The units whose part of the list holds the rows named by code (the code starts with the unit)."""
    return sorted({n.key.split(":", 1)[0] for n in named if isinstance(n.key, str)})


def resolve(named: Sequence[Named], rows: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows named, each with its reason (from the list `rows` read for them); the lines naming
    no row, as messages."""
    by_number = {r["stt"]: r for r in rows}
    by_ref = {r["ref"]: r for r in rows}
    found: list[dict[str, Any]] = []
    problems: list[str] = []
    refs: dict[str, int] = {}
    for n in named:
        row = by_number.get(n.key) if isinstance(n.key, int) else by_ref.get(n.key)
        if row is None:
            what = f"số thứ tự {n.key}" if isinstance(n.key, int) else f"mã «{n.key}»"
            problems.append(f"Dòng {n.line}: không có {what} trong danh sách.")
        elif row["ref"] in refs:
            problems.append(f"Dòng {n.line}: trùng người với dòng {refs[row['ref']]}.")
        else:
            refs[row["ref"]] = n.line
            found.append({**row, "reason": n.reason})
    return found, problems


def reject_of(found: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The service's `reject`: code in the list → reason."""
    return {r["ref"]: r["reason"] for r in found}


def fingerprint(body: Mapping[str, Any]) -> str:
    """What the summary was computed for: signing something else asks for a new summary."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def summary_text(preview: Mapping[str, Any]) -> str:
    return f"Khen thưởng {preview['awarded']} người, không khen thưởng {preview['not_awarded']} người."
