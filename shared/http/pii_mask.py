"""Reads of personal data limited to the roles that need them.

A JSON response to a read is rewritten so that nominees' ID numbers and dates of birth
(`shared.pii.SENSITIVE_NOMINEE_FIELDS`) show as "***" unless the actor's role is one of
`shared.pii.PII_READERS`. One place for every endpoint (dossier, history, lists), so a new
endpoint cannot forget it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

from shared.pii import PII_READERS, SENSITIVE_NOMINEE_FIELDS

MARKERS = tuple(f'"{name}"'.encode() for name in SENSITIVE_NOMINEE_FIELDS)


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("***" if k in SENSITIVE_NOMINEE_FIELDS and v else mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


class PiiMaskMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] | None = None
        chunks: list[bytes] = []

        async def buffered_send(message: dict[str, Any]) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if b"json" not in headers.get(b"content-type", b""):
                    start = None
                    chunks.append(b"")  # marks: pass through
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            actor = (scope.get("state") or {}).get("actor")
            if any(m in body for m in MARKERS) and getattr(actor, "role", None) not in PII_READERS:
                body = json.dumps(mask(json.loads(body)), ensure_ascii=False).encode()
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered_send)


def install_pii_mask(app: FastAPI) -> None:
    app.add_middleware(PiiMaskMiddleware)
