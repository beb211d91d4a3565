"""JSON Schemas of the published contracts, for subscribers that know nothing of this code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.contracts import REGISTRY
from shared.contracts.base import version_of


def contract_schemas() -> dict[tuple[str, int], dict[str, Any]]:
    """(subject, schema version) → JSON Schema (draft 2020-12) of its payload, with the
    CloudEvents type noted."""
    schemas = {}
    for contract in REGISTRY.all():
        schema = contract.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"urn:tdkt:contract:{contract.ce_type()}"
        schema["x-subject"] = contract.subject
        schema["x-cloudevents-type"] = contract.ce_type()
        schemas[(contract.subject, version_of(contract))] = schema
    return schemas


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (subject, version), schema in sorted(contract_schemas().items()):
        path = folder / f"{subject}.v{version}.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
