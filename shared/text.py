"""Accent-insensitive Vietnamese search: clerks type "nong thon moi" and expect "Nông thôn mới".

Diacritics are stripped by Unicode decomposition rather than a transliteration table, so only
the marks go and every Vietnamese letter keeps its base letter; đ/Đ is not a composed letter and
is mapped by hand.
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold_vietnamese(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse runs of white space into one space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", bare).lower()).strip()


def _words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", fold_vietnamese(text)).split()


def matches(query: str, *fields: str | None) -> bool:
    """True when every word of `query` occurs (accent- and case-insensitively) in one of `fields`.

    Words are compared as substrings, so a clerk may type the start of a word; punctuation on
    either side is ignored ("KH-UBND" finds "kh/ubnd"). An empty query matches everything.
    """
    haystack = " ".join(" ".join(_words(f)) for f in fields if f)
    return all(word in haystack for word in _words(query))
