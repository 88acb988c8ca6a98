"""What a report lists: a bounded part of the findings, and a count of the rest.

One 7.5 MB file of repeated key headers once sent 58 MB back to a pusher. Every writer
lists `shown(verdict).findings` instead of `verdict.findings`: at most MAX_PER_FILE findings
per file and MAX_FINDINGS in all (those that block first), each message and source line cut
to MAX_TEXT characters, and then says how many it left out ("and 77,219 more"). The
verdict itself is untouched: whether the change is blocked, and the summary's counts,
are always about every finding. The worst case stays well under 1 MiB of text
(MAX_FINDINGS x ~2 KB), which is what reaches a pusher through git's sideband.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

from agent_guard.model import NO_ENTRIES, Finding
from agent_guard.verdict import Verdict

MAX_PER_FILE = 20
MAX_FINDINGS = 200
MAX_TEXT = 500
# What the server hook writes to the pusher at most, notes included (bytes): a last bound
# under 1 MiB through git's sideband, whatever the notes say.
MAX_OUTPUT = 768 * 1024


class Shown(NamedTuple):
    """The findings a report lists, and how many it leaves out (in all, and per path)."""

    findings: tuple[Finding, ...]
    omitted: int = 0
    omitted_by_path: Mapping[str, int] = NO_ENTRIES

    def summary(self) -> str | None:
        """`and 77,219 more findings (app/keys.txt: 77,000; ...)`, or None when none left out."""
        if not self.omitted:
            return None
        worst = sorted(self.omitted_by_path.items(), key=lambda item: (-item[1], item[0]))
        where = "; ".join(f"{path or '(messages)'}: {count:,}" for path, count in worst[:5])
        more = f"; {len(worst) - 5:,} more files" if len(worst) > 5 else ""
        noun = "finding" if self.omitted == 1 else "findings"
        return f"and {self.omitted:,} more {noun} not listed ({where}{more})"


def shown(verdict: Verdict) -> Shown:
    """The bounded part of the verdict's findings a report lists (see the module docstring)."""
    findings = verdict.findings
    if len(findings) <= MAX_PER_FILE and all(_short(finding) for finding in findings):
        return Shown(findings)
    # Blocking findings first, so that what is listed is what stops the change.
    order = sorted(range(len(findings)), key=lambda index: not verdict.blocks(findings[index]))
    per_file: Counter[str] = Counter()
    kept: list[int] = []
    omitted: Counter[str] = Counter()
    for index in order:
        path = findings[index].path
        if per_file[path] >= MAX_PER_FILE or len(kept) >= MAX_FINDINGS:
            omitted[path] += 1
            continue
        per_file[path] += 1
        kept.append(index)
    listed = tuple(_cut(findings[index]) for index in sorted(kept))  # in report order
    return Shown(listed, sum(omitted.values()), dict(omitted))


def _short(finding: Finding) -> bool:
    return len(finding.message) <= MAX_TEXT and len(finding.source or "") <= MAX_TEXT


def _cut(finding: Finding) -> Finding:
    if _short(finding):
        return finding
    source = finding.source
    return finding._replace(
        message=_cut_text(finding.message),
        source=None if source is None else _cut_text(source),
    )


def _cut_text(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
