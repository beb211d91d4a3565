"""A unit's year-end list typed on the screen (a short list, instead of the XLSX): the form's rows
⇄ the body of the dossiers API's `POST /rounds/{id}/submissions`, and its errors back on the rows.

Each row is named `nominees[i].<field>` (name, kind, id_number, person_id, gender, position, unit,
award, performance_rating, initiative, size); rows left blank are dropped (`formdata.nest`), so the
indices the service reports are those of the rows shown again. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from services.console import formdata as F

ROWS_AT_FIRST = 5
ROWS_ADDED = 5
MAX_ROWS = 100
"""A list longer than this is sent as an XLSX file."""
ROWS_FIELD = "_rows"
ADD_ROWS = ("_action", "add-rows")
_REF = re.compile(r"nominees\[(\d+)\]")
_KEY = re.compile(r"^nominees\[(\d+)\](.*)$")


def rows_shown(pairs: Iterable[tuple[str, str]], filled: int) -> int:
    """How many rows the form shows again: as many as before (at least the filled ones), and
    `ROWS_ADDED` more when the user asked for more rows; never more than `MAX_ROWS`."""
    pairs = list(pairs)
    before = dict(pairs).get(ROWS_FIELD, "")
    shown = max(int(before) if before.isdigit() else ROWS_AT_FIRST, filled, 1)
    if ADD_ROWS in pairs:
        shown += ROWS_ADDED
    return min(shown, max(MAX_ROWS, filled))


def adding_rows(pairs: Iterable[tuple[str, str]]) -> bool:
    return ADD_ROWS in list(pairs)


def nominee_item(row: Mapping[str, Any], unit: str) -> dict[str, Any]:
    """One typed row as the API's nominee item: the identity fields beside the `nominee` (as
    intake reads it). What is left blank is left out, so the service names what is missing."""
    t = {k: v.strip() for k, v in row.items() if isinstance(v, str)}
    kind = t.get("kind") or "INDIVIDUAL"
    nominee: dict[str, Any] = {"kind": kind, "name": t.get("name", ""), "award": t.get("award", "")}
    item: dict[str, Any] = {"kind": kind, "name": nominee["name"], "nominee": nominee}
    for key in ("id_number", "person_id"):
        if t.get(key):
            item[key] = t[key]
    if kind == "INDIVIDUAL":
        nominee.update({k: t[k] for k in ("gender", "position", "unit", "performance_rating") if t.get(k)})
        nominee["is_direct_worker"] = False
        if t.get("initiative"):
            nominee["initiatives"] = [{"title": t["initiative"], "recognised_by": unit}]
    elif (size := F.integer(t.get("size", ""))) is not F.SKIP:
        nominee["size"] = size
    return item


def submission_body(raw: Mapping[str, Any], attachments: list[dict[str, str]]) -> dict[str, Any]:
    """The nested form (`formdata.nest`) → the submission's JSON body."""
    unit = str(raw.get("unit") or "").strip()
    rows = raw.get("nominees") or []
    return {
        "unit": unit,
        "achievements": str(raw.get("achievements") or "").strip(),
        "nominees": [nominee_item(r, unit) for r in rows if isinstance(r, Mapping)],
        "attachments": attachments,
    }


def rows_named(message: str) -> str:
    """`nominees[2]` in a service's message → `dòng 3`, as the rows are numbered on the screen."""
    return _REF.sub(lambda m: f"dòng {int(m[1]) + 1}", message)


def entry_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """The service's errors keyed by the form's field names: an initiative's (`initiatives[0].title`)
    on the row's initiative, a missing identity on its ID number; a row's message starting with
    its row (it is also listed at the top of the page), row references numbered as on the screen."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        if found := _KEY.match(key):
            rest = found[2]
            if rest.startswith(".initiatives"):
                rest = ".initiative"
            elif rest == ".identity":
                rest = ".id_number"
            elif rest.startswith(".nominee."):
                rest = rest.removeprefix(".nominee")
            key = f"nominees[{found[1]}]{rest}"
            message = f"Dòng {int(found[1]) + 1}: {message}"
        text = rows_named(message)
        out[key] = f"{out[key]} {text}" if key in out else text
    return out
