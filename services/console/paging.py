"""A long list shown a page at a time (a round of thousands of nominees): the page asked for in
the address (`trang`), clamped to the pages there are. The slicing is the console's when the
service answers the whole list at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    pages: int
    total: int
    size: int

    @property
    def first(self) -> int:
        """The 1-based position of the page's first item (0 when there is none)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + len(self.items)

    def window(self, around: int = 2) -> range:
        """The page numbers offered as links: the current one and `around` either side."""
        return range(max(1, self.number - around), min(self.pages, self.number + around) + 1)


def page_of(items: Sequence[Any], asked: str | None, size: int = PAGE_SIZE) -> Page:
    """The page `asked` (text from the address; anything not a number is page 1) of `items`."""
    pages = max(1, -(-len(items) // size))
    text = (asked or "").strip()
    number = min(max(int(text), 1), pages) if text.isdigit() else 1
    start = (number - 1) * size
    return Page(items=items[start : start + size], number=number, pages=pages, total=len(items), size=size)
