"""The one suppression stage: inline comments that accept a finding, with a reason.

Spellings, all the same thing (a suppression of named checks on one line):

- `# agent-guard: ignore[slug-or-code, ...] reason` — any check that reports a line;
- `# agent-guard: allow-secret reason` — `ignore[secret]`;
- detect-secrets' `# pragma: allowlist secret` (this line) and
  `# pragma: allowlist nextline secret` (the next line) — `ignore[secret]`.

A suppression applies to findings on its own line; for a function-level finding (one with a
`scope`) also to the first line of that scope (the first decorator, or the `def`). The reason
is expected: a suppression without one still works, but `suppression-reason` reports it so a
reviewer sees it; so is a name that is no known check, and a suppression on a line the change
added that matches no finding.

The stage runs after every check and before the verdict (`engine.run` calls `mark`): it
never drops a finding, it attaches the suppression that matched (`Finding.suppression`), so
every report can list what was suppressed and why. Whether a matched suppression is
honoured is the verdict's decision (`verdict.decide`): escalations never are, they need an
approver; who may suppress what on a server is a policy decision made there too.

Cost: this runs on every changed file, and suppressions are rare. Text without "agent-guard"
or "pragma" costs two substring tests; in Python source, a candidate line is confirmed by the
tokenizer, so a docstring that shows a suppression is not one. Other files (YAML, .env, TOML)
have no tokenizer here: any line holding the comment counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from agent_guard.checks.base import make_finding
from agent_guard.checks.registry import lookup
from agent_guard.model import Finding, Severity, Suppressed
from agent_guard.policy.model import Policy

MARKERS = ("agent-guard", "pragma")
# Without the comment sign: Python comments are confirmed by the tokenizer; other files
# comment with `#`, `//`, `--` or `;`, and a marker anywhere on their line counts.
_IGNORE = re.compile(r"agent-guard\s*:\s*ignore\s*\[([^\]\n]*)\]([^\n]*)")
_ALLOW_SECRET = re.compile(r"agent-guard\s*:\s*allow-secret\b([^\n]*)", re.IGNORECASE)
_PRAGMA = re.compile(r"pragma\s*:\s*allowlist\s+(nextline\s+)?secret\b([^\n]*)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


class Suppression(NamedTuple):
    """One suppression comment: the line it covers, which checks it names, and why.

    `line` is the line whose findings it accepts (the next one for `allowlist nextline`);
    `comment_line` is where the comment is written (what the change must have added).
    """

    line: int
    column: int
    checks: frozenset[str]  # slugs
    unknown: tuple[str, ...]  # names that are no known slug or code
    reason: str
    comment_line: int = 0

    @property
    def has_reason(self) -> bool:
        return _WORD.search(self.reason) is not None

    @property
    def written_at(self) -> int:
        return self.comment_line or self.line


def _reason(text: str) -> str:
    return text.strip().lstrip("-:—–").strip()


def find_suppressions(text: str, *, python: bool = True) -> dict[int, Suppression]:
    """Every suppression comment in `text`, by the 1-based line it covers.

    `python`: confirm candidates with the tokenizer (real comments, not strings).
    """
    found: dict[int, Suppression] = {}
    if not any(marker in text for marker in MARKERS):
        return found
    for line, column, comment in _comments(text, python):
        suppression = _parse(line, column, comment)
        if suppression is not None:
            found[suppression.line] = suppression
    return found


def _parse(line: int, column: int, comment: str) -> Suppression | None:
    """The suppression in one comment; `column` is where the comment starts (0: find it)."""
    match = _IGNORE.search(comment)
    if match is not None:
        checks: set[str] = set()
        unknown: list[str] = []
        for raw in match.group(1).split(","):
            name = raw.strip()
            if not name:
                continue
            info = lookup(name)
            if info is None:
                unknown.append(name)
            else:
                checks.add(info.slug)
        at = column or _comment_start(comment, match.start())
        return Suppression(line, at, frozenset(checks), tuple(unknown), _reason(match.group(2)))
    match = _ALLOW_SECRET.search(comment)
    if match is not None:
        at = column or _comment_start(comment, match.start())
        return Suppression(line, at, frozenset({"secret"}), (), _reason(match.group(1)))
    match = _PRAGMA.search(comment)
    if match is not None:
        covered = line + 1 if match.group(1) else line
        at = column or _comment_start(comment, match.start())
        reason = _reason(match.group(2))
        return Suppression(covered, at, frozenset({"secret"}), (), reason, comment_line=line)
    return None


def _comment_start(line: str, marker: int) -> int:
    """The 1-based column of the comment sign before a marker (the marker's, if none)."""
    prefix = line[:marker].rstrip()
    for sign in ("#", "//", "--", ";", "/*", "<!--"):
        if prefix.endswith(sign):
            return len(prefix) - len(sign) + 1
    return marker + 1


def _candidate(line: str) -> bool:
    return any(marker in line for marker in MARKERS)


def _comments(text: str, python: bool) -> list[tuple[int, int, str]]:
    """(line, 1-based column, comment text) of every comment that may be a suppression
    (column 0 for a whole line of a file without a tokenizer: `_parse` finds the comment).

    In Python, `tokenize` confirms the comment (it is only run on text where a line scan
    found a candidate); text that cannot be tokenized falls back to the line scan.
    """
    lines = [
        (number, line) for number, line in enumerate(text.splitlines(), start=1) if _candidate(line)
    ]
    if not lines:
        return []
    if python:
        import io
        import tokenize

        comments: list[tuple[int, int, str]] = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type == tokenize.COMMENT and _candidate(token.string):
                    row, col = token.start
                    comments.append((row, col + 1, token.string))
        except (tokenize.TokenError, SyntaxError):
            pass
        else:
            return comments
    return [(number, 0, line) for number, line in lines]


def _matching(finding: Finding, suppressions: Mapping[int, Suppression]) -> Suppression | None:
    lines = (finding.line,) if finding.scope is None else (finding.line, finding.scope[0])
    for line in lines:
        suppression = suppressions.get(line)
        if suppression is not None and finding.check in suppression.checks:
            return suppression
    return None


SuppressionIndex = Callable[[Finding], Mapping[int, Suppression] | None]
MaySuppress = Callable[[Finding, Suppression], bool]


def may_suppress(finding: Finding, suppression: Suppression) -> bool:
    """Who may suppress what, by default: anything but an escalation (it needs an approver).

    The one place this is decided; a caller with a stricter policy (a server that honours a
    suppression only in an approved commit) passes its own `MaySuppress` to `stage`.
    """
    return finding.severity is not Severity.ESCALATE


def mark(
    findings: Iterable[Finding], index: SuppressionIndex, allowed: MaySuppress = may_suppress
) -> list[Finding]:
    """Each finding with the suppression that names it, if any (nothing is dropped).

    `index(finding)` gives the suppressions of the file version the finding is in (None:
    unknown, e.g. a commit message). A suppression `allowed` refuses is marked too, not
    honoured, so a report can say so.
    """
    marked: list[Finding] = []
    for finding in findings:
        suppressions = index(finding) if finding.line > 0 and finding.path else None
        match = _matching(finding, suppressions) if suppressions else None
        if match is None:
            marked.append(finding)
        else:
            suppressed = Suppressed(match.reason, match.written_at, allowed(finding, match))
            marked.append(finding._replace(suppression=suppressed))
    return marked


def stage(
    findings: list[Finding],
    lookup: SuppressionIndex,
    walked: Mapping[str, Mapping[int, Suppression]],
    added: Mapping[str, AbstractSet[int]],
    policy: Policy,
    all_lines: bool,
    allowed: MaySuppress = may_suppress,
) -> list[Finding]:
    """The stage: every finding marked (`mark`), plus what `suppression-reason` reports.

    `walked` holds the suppressions of every file whose whole text was read (the Python
    walk): only there can a suppression be known to match nothing. `added` gives each
    file's added lines (a suppression on an old line is legacy: quiet).
    """
    marked = mark(findings, lookup, allowed)
    settings = policy.enabled("suppression-reason")
    if settings is None:
        return marked
    for path, suppressions in walked.items():
        if not suppressions or not settings.applies_to(path):
            continue

        def enabled(slug: str, path: str = path) -> bool:
            check = policy.enabled(slug)
            return check is not None and check.applies_to(path)

        lines = None if all_lines else added.get(path, frozenset())
        for suppression, message, fix in problems(path, suppressions, marked, lines, enabled):
            where = (path, suppression.written_at, suppression.column)
            marked.append(make_finding(settings, *where, message, fix))
    return marked


def problems(
    path: str,
    suppressions: Mapping[int, Suppression],
    findings: Iterable[Finding],
    added_lines: AbstractSet[int] | None,
    enabled: Callable[[str], bool],
) -> list[tuple[Suppression, str, str]]:
    """What `suppression-reason` reports in one file: (suppression, message, fix).

    Only suppressions written on lines the change added (None: every line) count, so an old
    suppression stays quiet. "Matches nothing" is said only of a suppression whose checks
    are all enabled for the file (a check that did not run matched nothing by definition).
    """
    used = {
        finding.suppression.line
        for finding in findings
        if finding.path == path and finding.suppression is not None
    }
    found: list[tuple[Suppression, str, str]] = []
    for suppression in suppressions.values():
        if added_lines is not None and suppression.written_at not in added_lines:
            continue
        if not suppression.has_reason:
            found.append((
                suppression,
                "an inline suppression without a reason",
                "say why in the same comment, after the marker: "
                "`# agent-guard: ignore[check] <why this is acceptable here>`",
            ))  # fmt: skip
        for name in suppression.unknown:
            found.append((
                suppression,
                f"the suppression names an unknown check `{name}`",
                "use a check's slug or code (`agent-guard explain` lists them)",
            ))  # fmt: skip
        checks = suppression.checks
        if checks and suppression.written_at not in used and all(enabled(slug) for slug in checks):
            names = ", ".join(sorted(checks))
            found.append((
                suppression,
                f"the suppression of {names} matches no finding on its line",
                "remove the suppression: nothing on this line needs it",
            ))  # fmt: skip
    return found
