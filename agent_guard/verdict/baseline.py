"""The baseline: findings a repository already had when it adopted agent-guard.

`agent-guard baseline` records what `agent-guard check` finds in the whole tree today into
`.agent-guard-baseline.json`; every later run (check, diff, the hooks, the server) marks
a finding the baseline records as `baselined`: kept and listed (with -v) like a suppressed
one, counted in the summary ("12 known findings in the baseline"), never blocking.

An entry is keyed by path, check and fingerprint, never by line number, so an edit
elsewhere in the file does not bring an old finding back:

- a finding of the Python walk has the fingerprint the engine already compares old and new
  versions of a file by (`checks.fingerprint`: check, enclosing name, normalised code);
- any other (a secret, an import, a suppression without a reason) gets one here, from its
  check, its quoted source line with spacing collapsed (masked, for a secret: the file
  never holds more of a secret than a report shows) and its message with numbers removed.

Those other findings are matched in whole files only (`agent-guard check`, pre-commit's
`--all-files`): a change reports them on the lines it adds, which are new by definition,
and a line-based key cannot tell a rotated key from the old one (`mark`).

Equal keys are counted, as the engine counts fingerprints: a file with three identical
findings where the baseline recorded two has one new finding, the last one.

Never baselined: escalations (a protected file or a policy change needs an approver, every
time), findings without a path (commit messages), and suppressed findings (already
accepted inline). The baseline is a policy file: the server reads it from the trusted tree
like the config, so a push cannot baseline its own findings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from agent_guard.errors import UsageError
from agent_guard.model import Finding, Severity

# Also `policy.load.BASELINE_FILE`, which reads it on the hot path without importing this.
FILE = ".agent-guard-baseline.json"

VERSION = 1
ABOUT = (
    "Findings agent-guard knew when this baseline was recorded: they are listed (with -v), "
    "never block. Keyed by path, check and fingerprint (not line). "
    "Update with `agent-guard baseline`; review changes like any policy file."
)
_NUMBERS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")

Key = tuple[str, str, str]  # (path, check, fingerprint)


@dataclass(frozen=True, slots=True)
class Entry:
    """One recorded finding: where, which check, its fingerprint, how many, what it said."""

    path: str
    check: str
    code: str
    fingerprint: str
    count: int = 1
    message: str = ""

    @property
    def key(self) -> Key:
        return (self.path, self.check, self.fingerprint)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The recorded findings, by key (a count each), and the file they were read from."""

    counts: Mapping[Key, int] = field(default_factory=dict)
    path: str = FILE

    def __bool__(self) -> bool:
        return bool(self.counts)


def fingerprint(finding: Finding) -> str:
    """The engine's fingerprint, else one from check, quoted line and message shape."""
    if finding.fingerprint is not None:
        return finding.fingerprint
    digest = hashlib.sha1(usedforsecurity=False)
    source = _SPACES.sub(" ", finding.source or "").strip()
    for part in ("v1", finding.check, source, _NUMBERS.sub("#", finding.message)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:16]


def recordable(finding: Finding) -> bool:
    """Whether a baseline may hold this finding (see the module docstring)."""
    return (
        bool(finding.path)
        and finding.severity is not Severity.ESCALATE
        and not finding.suppressed
        and not finding.approved
    )


def key(finding: Finding) -> Key:
    return (finding.path, finding.check, fingerprint(finding))


def mark(
    findings: Sequence[Finding], baseline: Baseline | None, *, whole_files: bool
) -> list[Finding]:
    """Each finding the baseline records marked `baselined` (nothing is dropped).

    Per commit (a push judges each commit on its own) and per key, as many findings as the
    baseline counts are marked, the first ones in the file: an added duplicate is the later.

    In a change (`whole_files` False) only the Python walk's findings are matched: their
    fingerprint is structural, so an edit that touches old code keeps them known. The
    others are reported on the lines the change adds, and there a line-based fingerprint
    proves nothing: a rotated key has the same masked line as the old one, and must block.
    """
    if not baseline:
        return list(findings)
    left: dict[str | None, Counter[Key]] = {}
    marked: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (*f.sort_key, f.commit or "")):
        if recordable(finding) and (whole_files or finding.fingerprint is not None):
            budget = left.setdefault(finding.commit, Counter(baseline.counts))
            found = key(finding)
            if budget[found] > 0:
                budget[found] -= 1
                marked.append(finding._replace(baselined=True))
                continue
        marked.append(finding)
    return marked


def entries(findings: Iterable[Finding]) -> list[Entry]:
    """What a baseline of `findings` holds, sorted by path, check and fingerprint."""
    counts: Counter[Key] = Counter()
    first: dict[Key, Finding] = {}
    for finding in findings:
        if recordable(finding):
            found = key(finding)
            counts[found] += 1
            first.setdefault(found, finding)
    recorded = []
    for found in sorted(counts):
        path, check, print_ = found
        message = " ".join(first[found].message.split())
        recorded.append(Entry(path, check, first[found].code, print_, counts[found], message))
    return recorded


def dumps(recorded: Sequence[Entry]) -> str:
    """The file's text: stable (sorted, one entry per line) so a change reviews as a diff."""
    lines = [
        "{",
        f'  "version": {VERSION},',
        f'  "about": {json.dumps(ABOUT)},',
        '  "findings": [',
    ]
    for index, entry in enumerate(recorded):
        item = {
            "path": entry.path,
            "check": entry.check,
            "code": entry.code,
            "fingerprint": entry.fingerprint,
            "count": entry.count,
            "message": entry.message,
        }
        comma = "," if index < len(recorded) - 1 else ""
        lines.append("    " + json.dumps(item, ensure_ascii=False) + comma)
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def parse_entries(data: bytes, name: str = FILE) -> list[Entry]:
    """The entries of a baseline file; a file that is not one is a usage error (exit 2)."""

    def bad(why: str) -> UsageError:
        return UsageError(f"not a valid baseline: {why} (re-create it: agent-guard baseline)", name)

    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise bad(f"not JSON ({error})") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise bad(f"expected an object with version {VERSION}")
    items = document.get("findings")
    if not isinstance(items, list):
        raise bad("`findings` must be a list")
    found: list[Entry] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise bad(f"finding {number} is not an object")
        text = {name: item.get(name) for name in ("path", "check", "fingerprint")}
        if not all(isinstance(value, str) and value for value in text.values()):
            raise bad(f"finding {number} needs path, check and fingerprint")
        count = item.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise bad(f"finding {number}: count must be a positive integer")
        found.append(
            Entry(
                str(text["path"]),
                str(text["check"]),
                str(item.get("code", "")),
                str(text["fingerprint"]),
                count,
                str(item.get("message", "")),
            )
        )
    return found


def parse(data: bytes, name: str = FILE) -> Baseline:
    counts: Counter[Key] = Counter()
    for entry in parse_entries(data, name):
        counts[entry.key] += entry.count
    return Baseline(dict(counts), name)


def compare(old: Sequence[Entry], new: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(added, removed) between two baselines, by key and count."""
    before = {entry.key: entry for entry in old}
    after = {entry.key: entry for entry in new}
    added = [e for k, e in after.items() if k not in before or before[k].count < e.count]
    removed = [e for k, e in before.items() if k not in after or after[k].count < e.count]
    return added, removed
