"""HTML form fields ⇄ the services' JSON bodies, with field names that ARE the APIs' error paths.

A form names its inputs by the path the service uses in its error messages (`name`,
`targets[0].indicator`, `nominees[1].award`, `directive.number`), so an error the service
returns is shown next to the input of the same name without any mapping table.

`nest` turns the posted fields into nested lists and dicts of the raw text, compacting row
indices and dropping rows left blank (a row the clerk added but did not fill); the form is then
re-rendered from `flatten(nest(...))`, so the indices the service reports are the ones on the
screen. `convert` turns the raw text into what the API expects (numbers, dates, flags, lists);
text that does not convert is sent as typed, so the service's own message explains it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d*)\]")

Converter = Callable[[str], Any]
SKIP = object()
"""A converter's answer for an empty value: leave the key out of the body."""


def parse_path(name: str) -> list[str | int]:
    parts: list[str | int] = []
    for word, index in _TOKEN.findall(name):
        parts.append(word if word else int(index or 0))
    return parts


def _put(tree: dict[str, Any], parts: list[str | int], value: str, multi: bool) -> None:
    node: Any = tree
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last:
            if multi:
                node.setdefault(part, []).append(value)
            else:
                node[part] = value
            return
        node = node.setdefault(part, {})  # int keys become a list in `_compact`


def _blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return not str(value).strip()


def _compact(node: Any) -> Any:
    """Dicts keyed by int become lists in index order, without blank rows."""
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_compact(node[k]) for k in sorted(node) if not _blank(node[k])]
        return {k: _compact(v) for k, v in node.items()}
    return node


def nest(pairs: Iterable[tuple[str, str]], multi: Iterable[str] = ()) -> dict[str, Any]:
    """Posted `(name, value)` pairs → nested raw text; names in `multi` keep every value as a list
    (checkbox groups, repeated selects); a `[]`-pattern in `multi` matches any row index."""
    patterns = set(multi)
    tree: dict[str, Any] = {}
    for name, value in pairs:
        if name.startswith("_"):
            continue  # the form's own controls (e.g. `_action`)
        parts = parse_path(name)
        if not parts:
            continue
        _put(tree, parts, value if isinstance(value, str) else "", pattern_of(name) in patterns)
    return _compact(tree)


def pattern_of(path: str) -> str:
    """`nominees[3].size` → `nominees[].size`: the key of converters and multi-value names."""
    return re.sub(r"\[\d+\]", "[]", path)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested raw text → `{path: text}` (lists of scalars stay lists, for checkbox groups)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and any(isinstance(v, dict | list) for v in data):
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{i}]"))
    else:
        out[prefix] = data
    return out


def convert(data: Any, converters: Mapping[str, Converter], path: str = "") -> Any:
    """Apply `converters` (keyed by `pattern_of(path)`, or `parent.*` for any key of a mapping);
    strings default to `text`."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            converted = convert(value, converters, sub)
            if converted is not SKIP:
                out[key] = converted
        return out if out or not path else SKIP  # a sub-form left blank is left out
    if isinstance(data, list) and any(isinstance(v, dict | list) for v in data):
        return [convert(v, converters, f"{path}[{i}]") for i, v in enumerate(data)]
    pattern = pattern_of(path)
    conv = converters.get(pattern) or converters.get(pattern.rsplit(".", 1)[0] + ".*") or text
    return conv(data)  # type: ignore[arg-type]


# --- converters ----------------------------------------------------------------------------


def text(value: str | list[str]) -> Any:
    if isinstance(value, list):
        return [v.strip() for v in value if v.strip()]
    stripped = value.strip()
    return stripped if stripped else SKIP


def text_or_empty(value: str) -> str:
    return value.strip()


def integer(value: str) -> Any:
    stripped = value.strip().replace(".", "").replace(" ", "")
    if not stripped:
        return SKIP
    try:
        return int(stripped)
    except ValueError:
        return value.strip()


def number(value: str) -> Any:
    stripped = value.strip().replace(",", ".")
    if not stripped:
        return SKIP
    try:
        return float(stripped)
    except ValueError:
        return value.strip()


def decimal_text(value: str) -> Any:
    """A decimal the API parses itself (targets, results): comma or dot as the decimal mark."""
    stripped = value.strip().replace(",", ".")
    return stripped if stripped else SKIP


def flag(value: str | list[str]) -> bool:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value.strip().lower() in ("1", "true", "on", "yes", "co", "có")


def yes_no(value: str) -> Any:
    """A radio pair (có / không) where no choice must reach the service as missing."""
    stripped = value.strip().lower()
    if not stripped:
        return SKIP
    return stripped in ("1", "true", "on", "yes")


def lines(value: str | list[str]) -> Any:
    """A textarea, one item a line (reasons, missing documents, artefacts)."""
    items = value if isinstance(value, list) else value.splitlines()
    cleaned = [v.strip() for v in items if v.strip()]
    return cleaned if cleaned else SKIP


def day(value: str) -> Any:
    """dd/mm/yyyy (or yyyy-mm-dd) → ISO date; anything else is sent as typed."""
    stripped = value.strip()
    if not stripped:
        return SKIP
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(stripped, fmt).date().isoformat()
        except ValueError:
            continue
    return stripped


def day_text(value: date | str | None) -> str:
    """An ISO date from a service → dd/mm/yyyy for a form input."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def split_errors(errors: Mapping[str, str], shown: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Errors of fields on the form, and the rest (shown in the form's summary)."""
    names = set(shown)
    on_form = {k: v for k, v in errors.items() if k in names}
    return on_form, {k: v for k, v in errors.items() if k not in names}
