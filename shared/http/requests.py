"""What every service's HTTP layer reads from a request the same way: the version the client
last saw (`If-Match`), answered back as the aggregate's `ETag`, and the moment or version of a
time-travel read (`?as_of=`, `?version=`).

A command answers with the aggregate after it and its version as `ETag: "7"`; the client sends
that back as `If-Match: "7"` and a change someone made meanwhile is a 409, never a lost write.
"""

# No `from __future__ import annotations`: FastAPI must see the If-Match header's annotation
# evaluated, since it closes over `noun`.

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Header, Response

from shared.errors import FieldErrors
from shared.workdays import VIETNAM_TZ


def if_match_header(noun: str) -> Callable[..., Awaitable[int | None]]:
    """A dependency giving the version in `If-Match` (`"3"`, `W/"3"` or `3`); `*` or absent means
    any. `noun` names the aggregate in the message ("hồ sơ", "phong trào")."""

    async def if_match(
        if_match: Annotated[str | None, Header(description=f'Phiên bản {noun} mong đợi, ví dụ "3"')] = None,
    ) -> int | None:
        if if_match is None or if_match.strip() in ("", "*"):
            return None
        value = if_match.strip().removeprefix("W/").strip('"')
        if not value.isdigit():
            raise FieldErrors({"If-Match": f'Phải là số phiên bản của {noun}, ví dụ "3".'})
        return int(value)

    return if_match


def version_or_moment(version: int | None, as_of: datetime | None) -> datetime | None:
    """`?version=N` or `?as_of=<ISO time>` (not both); a time without zone is Vietnam time."""
    if version is not None and as_of is not None:
        raise FieldErrors({"as_of": "Chỉ dùng một trong hai: version hoặc as_of."})
    if as_of is None:
        return None
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=VIETNAM_TZ)


def etag(version: int) -> str:
    """The `ETag` of an aggregate's version: `"7"`."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """The aggregate's version, for the next request's `If-Match`."""
    response.headers["ETag"] = etag(version)
