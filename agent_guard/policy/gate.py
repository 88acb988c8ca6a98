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
    """`pattern`, searched only when `text.lower()` contains one of `needles`."""

    __slots__ = ("needles", "pattern")

    def __init__(self, pattern: str, needles: tuple[str, ...], flags: int = re.IGNORECASE) -> None:
        self.pattern: Final = re.compile(pattern, flags)
        self.needles: Final = needles

    def possible(self, text: str) -> bool:
        """Whether the pattern could match `text` at all (one of its needles is in it)."""
        return contains_any(text.lower(), self.needles)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.possible(text) else None

    def finditer(self, text: str) -> list[re.Match[str]]:
        return list(self.pattern.finditer(text)) if self.possible(text) else []


def contains_any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether one of `needles` is a substring of `text` (a plain loop: on the hot path it
    is twice as fast as `any()` over a generator)."""
    for needle in needles:  # noqa: SIM110 - the loop is the point (see the docstring)
        if needle in text:
            return True
    return False
