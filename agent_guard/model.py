"""The plain data every stage passes on: severities, rules and findings.

These are named tuples: immutable, so that a stage can hand them on without fear of another
stage changing them, and picklable, so that results can be cached as they are. Not frozen
dataclasses, because creating one costs about 1.5 ms at import on Python 3.12 and a commit
hook imports every record type (`x._replace(...)` is their `dataclasses.replace`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NamedTuple


class Severity(StrEnum):
    """How much a broken rule matters; the order is the order of `rank`."""

    ADVISORY = "advisory"  # a rule no check covers: listed, never enforced
    WARNING = "warning"  # reported, does not block
    ERROR = "error"  # blocks; fix it or suppress it inline with a reason
    ESCALATE = "escalate"  # blocks until a configured approver approves

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def blocks(self) -> bool:
        return self in (Severity.ERROR, Severity.ESCALATE)


_RANK = {Severity.ADVISORY: 0, Severity.WARNING: 1, Severity.ERROR: 2, Severity.ESCALATE: 3}

# The default of a record's mapping field. A named tuple has no per-instance default, so
# every record left at the default shares this one dict; the fields are typed `Mapping`,
# read-only, so that none of them can change it.
NO_ENTRIES: Mapping[Any, Any] = {}


class Rule(NamedTuple):
    """One sentence of a rule file, where it is, and what enforces it.

    `line` counts lines of the whole file (front matter included), 1-based, so an editor
    jumps straight to it. `tag_path` is the chain of XML tags (`never_do/rule`), or the
    Markdown heading chain for rule files without XML.
    """

    file: str
    line: int
    tag_path: str
    text: str
    severity: Severity
    checks: tuple[str, ...] = ()

    @property
    def advisory(self) -> bool:
        return not self.checks


class Suppressed(NamedTuple):
    """The inline suppression that named a finding: why, where, and whether it counts.

    `honoured` is False for what a suppression cannot accept (an escalation needs an
    approver); the verdict may decide the same for a suppression the policy does not allow.
    """

    reason: str
    line: int  # where the comment is written
    honoured: bool = True


class Finding(NamedTuple):
    """One broken rule at one place in one change.

    `line`/`column` are 1-based. `scope` is the (first, last) line range a function-level
    finding covers: the engine keeps the finding when any changed line falls inside it.
    `source` is the offending code, filled in by the engine from the blob it checked.
    `commit` is set when the finding belongs to one commit of a range or push.
    `suppression` is the inline suppression that names it (the suppression stage sets it;
    a suppressed finding is kept and reported, it just does not count); `baselined` says the
    repository's baseline knew it (kept and reported too, never counted).
    """

    check: str
    code: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    fix: str
    rule: Rule | None = None
    commit: str | None = None
    scope: tuple[int, int] | None = None
    source: str | None = None
    approved: bool = False
    approved_by: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    suppression: Suppressed | None = None
    # About the whole file (it does not parse, it is too large to check): kept whenever the
    # change touches the file, wherever its line is.
    file_level: bool = False
    # What identifies this finding across versions of its file (check, enclosing name,
    # normalised code: `checks.fingerprint`), for the findings the walk reports; the
    # engine keeps a code finding only when the file's old version has no such one.
    fingerprint: str | None = None
    # Recorded in the repository's baseline (`.agent-guard-baseline.json`, verdict/baseline.py):
    # a finding known before adoption, kept and listed like a suppressed one, never counted.
    baselined: bool = False

    @property
    def suppressed(self) -> bool:
        """True when an honoured inline suppression accepts this finding."""
        return self.suppression is not None and self.suppression.honoured

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.check)
