"""syntax-error (AG108): a changed Python file that does not parse.

## What it does
Reports a Python file that cannot be decoded (a wrong PEP 263 coding cookie, bytes that are
not valid in the declared encoding) or parsed (a syntax error, a null byte, nesting too deep
for the parser), at the line and column where it fails.

A file written for a newer Python than the one agent-guard runs on is not a syntax error:
`except A, B:` without parentheses and template strings (`t"..."`) are Python 3.14, type
parameters (`def f[T]`, `class C[T]`, `type X = ...`) are Python 3.12. agent-guard reads such
a file with those constructs translated (every other check still runs on it) and reports it
once, at the first such line, as what it is: "uses Python 3.14 syntax; agent-guard runs on
3.12: run it on Python >= 3.14", with the pre-commit `language_version` line that does it.
The project's `requires-python` (the option `requires_python`, e.g. `">=3.14"`) decides:
when it admits a Python that cannot parse the file, the file really is broken for the
project, and the finding says so.

## Why is this bad?
A file that does not parse cannot be imported, and none of the other code checks can look at
it: a syntax error would otherwise hide every other problem in the change. It is a warning by
default because the author usually knows already (the test run fails), and a half-written
file is sometimes committed on purpose to a work branch.

## Example
```python
def handler(request)
    return request.body
```

## Fix
Correct the syntax at the reported line (here: add the `:` after the signature), or save the
file in the encoding its coding cookie declares (UTF-8 by default). For newer syntax, run
agent-guard on that Python: in `.pre-commit-config.yaml`, `language_version: python3.14` on
the agent-guard hooks (and the same Python in CI).
"""

from __future__ import annotations

import re
import sys

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.pysource import NewerSyntax, newer_syntax
from agent_guard.checks.python import Check, Walk, option
from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[str], ...] = (
    Option(
        "requires_python",
        Kind.STR,
        "",
        "the project's requires-python (empty: read from the checked tree's pyproject.toml / "
        "setup.cfg, else unknown): decides whether newer syntax is a mistake or just newer "
        "than agent-guard's Python",
    ),
)

_MINIMUM = re.compile(r"(>=|~=|==|>)\s*(\d+)\.(\d+)")


def minimum_python(requires: str | None) -> tuple[int, int] | None:
    """The oldest Python a `requires-python` specifier admits (`>=3.10,<4` -> (3, 10))."""
    if not requires:
        return None
    minimums = []
    for operator, major, minor in _MINIMUM.findall(requires):
        version = (int(major), int(minor))
        minimums.append((version[0], version[1] + 1) if operator == ">" else version)
    return max(minimums) if minimums else None


def newer_syntax_message(
    newer: NewerSyntax, requires: str | None, running: tuple[int, int] | None = None
) -> tuple[str, str]:
    """(message, fix) for a file that uses syntax newer than the running Python."""
    running = running or (sys.version_info.major, sys.version_info.minor)
    wanted = ".".join(map(str, newer.version))
    here = ".".join(map(str, running))
    minimum = minimum_python(requires)
    if minimum is not None and minimum < newer.version:
        return (
            f"this file uses Python {wanted} syntax ({newer.feature}), but requires-python "
            f"`{requires}` admits Python {'.'.join(map(str, minimum))}, which cannot parse it",
            f"rewrite it for Python {'.'.join(map(str, minimum))} (e.g. parenthesise the "
            f"exception types), or raise requires-python to `>={wanted}`",
        )
    return (
        f"this file uses Python {wanted} syntax ({newer.feature}); agent-guard runs on "
        f"{here}: run it on Python >= {wanted} to check this file exactly (it was read with "
        "that syntax translated)",
        f"set `language_version: python{wanted}` on the agent-guard hooks in "
        f".pre-commit-config.yaml, and run agent-guard on Python {wanted} in CI",
    )


class SyntaxVersion(Check[str | None]):
    """Reports, once per file, that `pysource.parse` had to read newer syntax."""

    slug = "syntax-error"

    @classmethod
    def configure(cls, settings: CheckSettings) -> str | None:
        value = option(settings, OPTIONS, "requires_python")
        return str(value) if value else None

    def __init__(self, walk: Walk, settings: CheckSettings, config: str | None) -> None:
        super().__init__(walk, settings, config)
        newer = newer_syntax(walk.text)
        if newer is not None:
            message, fix = newer_syntax_message(newer, config)
            self.report((newer.line, newer.column), message, fix)
            minimum = minimum_python(config)
            if minimum is None or minimum >= newer.version:
                # Newer than agent-guard's Python, not wrong for the project: said, never a
                # block (under --fail-on warning either).
                last = walk.findings[-1]
                walk.findings[-1] = last._replace(severity=Severity.ADVISORY)


CHECK = SyntaxVersion
