"""A long list shown a page at a time (a round of thousands of nominees): the page asked for in
the address (`trang`), clamped to the pages there are. Either the console slices a list it has
whole (`page_of`), or the service serves one page and says how many rows there are (`served`)."""

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


def pages_for(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def page_number(asked: str | None, pages: int | None = None) -> int:
    """The page `asked` (text from the address; anything not a number is page 1), at most `pages`."""
    text = (asked or "").strip()
    number = max(int(text), 1) if text.isdigit() else 1
    return min(number, pages) if pages is not None else number


def page_of(items: Sequence[Any], asked: str | None, size: int = PAGE_SIZE) -> Page:
    """The page `asked` of `items`, sliced here."""
    pages = pages_for(len(items), size)
    number = page_number(asked, pages)
    start = (number - 1) * size
    return Page(items=items[start : start + size], number=number, pages=pages, total=len(items), size=size)


def served(items: Sequence[Any], total: int, number: int, size: int = PAGE_SIZE) -> Page:
    """Page `number` as a service served it (its rows, and how many rows the whole list has)."""
    return Page(items=items, number=number, pages=pages_for(total, size), total=total, size=size)
