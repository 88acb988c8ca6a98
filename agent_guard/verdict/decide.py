"""The verdict: which findings block, which approvals lift them, and the summary line.

`error` and `escalate` block by default, `warning` and `advisory` do not; `--fail-on
warning` makes warnings block too. Only an `escalate` finding can be approved: errors are
fixed, or suppressed inline with a reason. A suppressed finding (see `suppressions`) stays in
the verdict, so every report can list it, but neither blocks nor counts; so does a finding
the repository's baseline records (`baseline`). Who counts as an
approver is decided by the escalation module (trailers, signatures, the pusher); here an
approval is plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from agent_guard.model import NO_ENTRIES, Finding, Severity


class Approvals(NamedTuple):
    """Who approved what: per commit (oid -> approver), or everything (e.g. pusher).

    A finding without a commit (staged changes, the net change of a push) is approved only
    by `everything`; `note` is shown in the report (e.g. "the server will verify the
    trailer").
    """

    by_commit: Mapping[str, str] = NO_ENTRIES
    everything: str | None = None
    note: str | None = None

    def approver_of(self, finding: Finding) -> str | None:
        if finding.commit is not None and finding.commit in self.by_commit:
            return self.by_commit[finding.commit]
        return self.everything


NO_APPROVALS = Approvals()


class Verdict(NamedTuple):
    """The findings (approvals applied), whether they block, and what the report needs."""

    findings: tuple[Finding, ...]
    blocked: bool
    fail_on: Severity = Severity.ERROR
    approvers: tuple[str, ...] = ()
    note: str | None = None
    deferred: int = 0  # escalations left out for a later hook to judge (pre-commit -> commit-msg)

    @property
    def passed(self) -> bool:
        return not self.blocked

    def blocks(self, finding: Finding) -> bool:
        """True when this finding (alone) would block the change."""
        if finding.approved or finding.suppressed or finding.baselined:
            return False
        if finding.severity is Severity.ADVISORY:
            return False
        return finding.severity.rank >= self.fail_on.rank

    @property
    def counts(self) -> dict[Severity, int]:
        """Findings that count, per severity (escalate, error, warning, advisory): not
        approved, suppressed or in the baseline."""
        counts = dict.fromkeys(reversed(Severity), 0)
        for finding in self.findings:
            if not (finding.approved or finding.suppressed or finding.baselined):
                counts[finding.severity] += 1
        return counts

    @property
    def approved(self) -> int:
        return sum(1 for finding in self.findings if finding.approved)

    @property
    def suppressed(self) -> int:
        """Findings an honoured inline suppression accepted (kept, reported, not counted)."""
        return sum(1 for finding in self.findings if finding.suppressed)

    @property
    def baselined(self) -> int:
        """Findings the baseline records (kept, listed with -v, not counted)."""
        return sum(1 for finding in self.findings if finding.baselined)

    def summary(self) -> str:
        """`blocked: 1 escalation, 2 errors, 1 warning` (or `passed: ...`)."""
        parts = [
            _plural(count, _NOUNS[severity])
            for severity, count in self.counts.items()
            if count and severity is not Severity.ADVISORY
        ]
        if self.approved:
            parts.append(f"{self.approved} approved")
        if self.suppressed:
            parts.append(f"{self.suppressed} suppressed")
        if self.baselined:
            noun = "finding" if self.baselined == 1 else "findings"
            parts.append(f"{self.baselined} known {noun} in the baseline")
        if self.deferred:
            parts.append(f"{_plural(self.deferred, _NOUNS[Severity.ESCALATE])} for commit-msg")
        head = "blocked" if self.blocked else "passed"
        return f"{head}: {', '.join(parts) if parts else 'no findings'}"


_NOUNS = {
    Severity.ESCALATE: ("escalation", "escalations"),
    Severity.ERROR: ("error", "errors"),
    Severity.WARNING: ("warning", "warnings"),
    Severity.ADVISORY: ("advisory", "advisories"),
}


def _plural(count: int, nouns: tuple[str, str]) -> str:
    return f"{count} {nouns[0] if count == 1 else nouns[1]}"


def decide(
    findings: Iterable[Finding],
    approvals: Approvals = NO_APPROVALS,
    fail_on: Severity = Severity.ERROR,
    *,
    approvers: Sequence[str] = (),
) -> Verdict:
    """Apply approvals to escalations and decide whether the change is blocked.

    `fail_on` is the lowest severity that blocks (`error` by default; `escalate` always
    blocks unless approved). `approvers` (from the policy) are shown in the report.
    """
    threshold = fail_on if fail_on is not Severity.ADVISORY else Severity.WARNING
    decided: list[Finding] = []
    for finding in findings:
        approver = approvals.approver_of(finding)
        if finding.severity is Severity.ESCALATE and approver is not None:
            decided.append(finding._replace(approved=True, approved_by=approver))
        else:
            decided.append(finding)
    verdict = Verdict(tuple(decided), False, threshold, tuple(approvers), approvals.note)
    blocked = any(verdict.blocks(finding) for finding in decided)
    return verdict._replace(blocked=blocked)
