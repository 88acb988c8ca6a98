"""A regular expression that is only run when the text holds a word it cannot match without.

Reading a rule file runs some sixty patterns over every sentence, and nearly every search
fails: most sentences say nothing about tests, exceptions or permissions. Python's `re` has
no fast path for a pattern that opens with `\\b` and an alternation of words, so a failing
search costs tens of microseconds; a substring test on the lowered sentence costs well under
one. A `Gate` pairs a compiled pattern with its needles, substrings (lower case) at least one
of which every match contains, and runs the pattern only when one is present. The needles are
a necessary condition, never a sufficient one, so a gate changes the speed of a search and
never its result (tests/policy/test_gate.py holds each gate to its pattern).
"""

from __future__ import annotations

import re
from typing import Final


class Gate:
    """`pattern`, searched only when `text.lower()` contains one of `needles`.

    Each method takes `low`, the text lowered, when the caller has it: a sentence meets some
    thirty gates, and is lowered once for all of them (`low` must be `text.lower()`)."""

    __slots__ = ("needles", "pattern")

    def __init__(self, pattern: str, needles: tuple[str, ...], flags: int = re.IGNORECASE) -> None:
        self.pattern: Final = re.compile(pattern, flags)
        self.needles: Final = needles

    def possible(self, text: str, low: str | None = None) -> bool:
        """Whether the pattern could match `text` at all (one of its needles is in it)."""
        return contains_any(text.lower() if low is None else low, self.needles)

    def search(self, text: str, low: str | None = None) -> re.Match[str] | None:
        lowered = text.lower() if low is None else low
        for needle in self.needles:  # contains_any, inlined: this is the hottest call
            if needle in lowered:
                return self.pattern.search(text)
        return None

    def finditer(self, text: str, low: str | None = None) -> list[re.Match[str]]:
        return list(self.pattern.finditer(text)) if self.possible(text, low) else []


def contains_any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether one of `needles` is a substring of `text` (a plain loop: on the hot path it
    is twice as fast as `any()` over a generator)."""
    for needle in needles:  # noqa: SIM110 - the loop is the point (see the docstring)
        if needle in text:
            return True
    return False
