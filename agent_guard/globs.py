"""Gitignore-style globs that match without importing pathspec.

pathspec costs ~35 ms to import, a third of a whole commit check. So globs are translated
to regular expressions once, when the policy is compiled (that is where pathspec is used),
and the compiled policy — cached — carries only the regex text. Matching is then plain `re`.

Semantics are gitignore's (pathspec's `gitignore` flavour): `*.py` matches at any depth,
`app/db/**` everything below `app/db`, `!pattern` re-includes/excludes, last match wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class GlobSet:
    """Compiled globs: `patterns` as the user wrote them, `rules` as (regex, include) pairs."""

    patterns: tuple[str, ...] = ()
    rules: tuple[tuple[str, bool], ...] = ()
    _compiled: list[tuple[re.Pattern[str], bool]] = field(
        default_factory=list, compare=False, repr=False
    )

    def __bool__(self) -> bool:
        return bool(self.rules)

    def matches(self, path: str) -> bool:
        """True when the last pattern that matches `path` includes it (gitignore order)."""
        if not self._compiled and self.rules:
            self._compiled.extend(compiled_rules(self.rules))
        matched = False
        for rx, include in self._compiled:
            if rx.match(path):
                matched = include
        return matched

    def __getstate__(self) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]:
        return (self.patterns, self.rules)

    def __setstate__(self, state: tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]) -> None:
        object.__setattr__(self, "patterns", state[0])
        object.__setattr__(self, "rules", state[1])
        object.__setattr__(self, "_compiled", [])


# The default of a record's glob field: matches nothing, and (having no rule) never compiles.
NO_GLOBS = GlobSet()


def compiled_rules(
    rules: tuple[tuple[str, bool], ...], flags: int = 0
) -> list[tuple[re.Pattern[str], bool]]:
    """The (regex, include) rules ready to match; with no `!` pattern, as ONE alternation.

    Without a re-include or exclude, "the last match wins" is "any match wins", and one
    regex tries every pattern in C: a push asks this of every path of every commit.
    Patterns with named groups (which an alternation would repeat) stay apart.
    """
    alone = any(not include or "(?P<" in regex for regex, include in rules)
    if len(rules) > 1 and not alone:
        either = "|".join(f"(?:{regex})" for regex, _ in rules)
        return [(re.compile(either, flags), True)]
    return [(re.compile(regex, flags), include) for regex, include in rules]


def compile_globs(patterns: Iterable[str]) -> GlobSet:
    """Translate gitignore-style patterns to regexes (imports pathspec: compile time only)."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    kept: list[str] = []
    rules: list[tuple[str, bool]] = []
    for raw in patterns:
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        regex, include = GitIgnoreSpecPattern.pattern_to_regex(pattern)
        if regex is None or include is None:
            continue
        kept.append(pattern)
        rules.append((regex.replace("(?P<ps_d>/)", "(?:/)"), bool(include)))
    return GlobSet(tuple(kept), tuple(rules))


def glob_to_regex(pattern: str, *, anywhere: bool = True, below: bool = True) -> str:
    """A glob as regex text with the standard library only, for globs met at check time.

    Check options (`test_patterns`, `fixture_paths`) and rule-file discovery see globs after
    the policy was compiled, where pathspec must not be imported. `**/` spans folders, `**`
    anything, `*` a name's characters, `?` one character. With `anywhere`, a pattern without
    a `/` matches at any depth (gitignore's rule); with `below`, a match also covers what is
    under it (`tests` matches `tests/x.py`). Use the result with `re.fullmatch`.
    """
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    parts = ["" if anchored or not anywhere else "(?:.*/)?"]
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    if below:
        parts.append("(?:/.*)?")
    return "".join(parts)
