"""Refuse regular expressions from a config that could make matching take exponential time.

Python's `re` backtracks, and it has no timeout: `(a+)+$` against forty `a`s and a `b` runs
for minutes. A config is written by whoever can edit the repository (on a workstation that
is the agent), and its `bindings:` keys are matched against every rule's text, so a
pathological key would hang every commit — or, on the server, every push until the host
kills the hook. Rather than run untrusted patterns under a watchdog, we accept only patterns
that cannot backtrack catastrophically by construction, checked on the pattern's text:

- at most `MAX_LENGTH` characters;
- no repeated group that itself contains a repetition or an alternation (`(a+)+`, `(a|ab)*`,
  `(\\w+\\s?)*`) — the shapes behind exponential backtracking;
- no backreferences (`\\1`, `(?P=name)`), which no linear-time engine supports.

A binding key is a phrase to find in a rule ("no print", "redundant or low-value"), so these
limits cost nothing in practice; the error says what to change.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

MAX_LENGTH = 200


class UnsafePattern(ValueError):
    """The pattern is valid but refused; the message says why."""


@dataclass(slots=True)
class _Group:
    repeats: bool = False  # contains a quantifier that can repeat (*, +, {n,}, {n,m>1})
    branches: bool = False  # contains `|`
    children: list[_Group] = field(default_factory=list)


def check_pattern(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` or raise `re.error` (invalid) / `UnsafePattern` (refused)."""
    if len(pattern) > MAX_LENGTH:
        raise UnsafePattern(f"longer than {MAX_LENGTH} characters")
    with warnings.catch_warnings():  # "possible nested set" is noise to a config's author
        warnings.simplefilter("ignore", FutureWarning)
        compiled = re.compile(pattern)
    _scan(pattern)
    return compiled


def _scan(pattern: str) -> None:
    stack: list[_Group] = [_Group()]
    closed: _Group | None = None  # the group that just closed, if the next token quantifies it
    index = 0
    while index < len(pattern):
        char = pattern[index]
        quantified_group, closed = closed, None
        if char == "\\":
            following = pattern[index + 1 : index + 2]
            if following.isdigit() and following != "0":
                raise UnsafePattern("backreferences are not allowed")
            index += 2
            continue
        if char == "[":
            index = _skip_class(pattern, index)
            continue
        if char == "(":
            if pattern.startswith("(?P=", index):
                raise UnsafePattern("backreferences are not allowed")
            if pattern.startswith("(?#", index):
                index = pattern.find(")", index) + 1 or len(pattern)
                continue
            stack.append(_Group())
            index += 1
            continue
        if char == ")" and len(stack) > 1:
            group = stack.pop()
            stack[-1].children.append(group)
            stack[-1].repeats |= group.repeats
            stack[-1].branches |= group.branches
            closed = group
            index += 1
            continue
        if char == "|":
            stack[-1].branches = True
            index += 1
            continue
        repeat, length = _quantifier(pattern, index)
        if length:
            if repeat:
                if quantified_group is not None and (
                    quantified_group.repeats or quantified_group.branches
                ):
                    raise UnsafePattern(
                        "a repeated group contains a repetition or an alternation "
                        "(e.g. `(a+)+` or `(a|b)*`), which can take exponential time"
                    )
                stack[-1].repeats = True
            index += length
            if pattern[index : index + 1] in ("?", "+"):  # lazy or possessive suffix
                index += 1
            continue
        index += 1


def _quantifier(pattern: str, index: int) -> tuple[bool, int]:
    """(can it repeat more than once, its length) of a quantifier at `index`; length 0: none."""
    char = pattern[index]
    if char in "*+":
        return True, 1
    if char == "?":
        return False, 1
    if char == "{":
        match = re.match(r"\{(\d*)(,?)(\d*)\}", pattern[index:])
        if match is None or not (match[1] or match[3]):
            return False, 0  # a literal brace
        upper = match[3] if match[2] else match[1]
        return (not upper or int(upper) > 1), len(match[0])
    return False, 0


def _skip_class(pattern: str, index: int) -> int:
    """The index after the character class starting at `index` (`[...]`, `]` first is literal)."""
    index += 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    return index
