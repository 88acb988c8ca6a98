"""Scanning chosen lines finds exactly what scanning the whole file finds on those lines.

A push scans only each commit's added lines, and skips the lines the prefilter rules out
(`_candidates_among`): this must never lose a secret that a whole-file scan would report.
One addition: a private key whose body lines the change adds is reported on its header
line even when the header is old (a key split over two commits is one key).
"""

from __future__ import annotations

import random
import re

from agent_guard.checks.secret import Hit, ScanConfig, scan_text
from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings
from tests.secrets import corpus

CONFIG = ScanConfig.from_settings(CheckSettings("secret", Severity.ERROR))


def test_any_subset_of_lines_gives_the_whole_file_hits_on_those_lines() -> None:
    chooser = random.Random(8)
    checked = 0
    for path, records in corpus.files(corpus.load()).items():
        text = "\n".join(record.content for record in records) + "\n"
        rows = text.count("\n") + 1
        everything = scan_text(path, text, None, CONFIG)
        assert scan_text(path, text, range(1, rows + 1), CONFIG) == everything
        for _ in range(6):
            size = chooser.randint(1, max(1, rows // 5))
            lines = set(chooser.sample(range(1, rows + 1), min(size, rows)))
            assert scan_text(path, text, lines, CONFIG) == [
                hit for hit in everything if hit.line in lines or _body_added(hit, text, lines)
            ], (path, sorted(lines))
            checked += 1
    assert checked > 20


def _body_added(hit: Hit, text: str, lines: set[int]) -> bool:
    """A key header with a body line (within five lines below it) among the scanned lines."""
    if hit.kind != "private-key":
        return False
    rows = text.split("\n")
    for number in range(hit.line + 1, min(hit.line + 6, len(rows) + 1)):
        row = rows[number - 1].strip()
        if "-----" in row:
            return False
        if number in lines and re.fullmatch(r"[A-Za-z0-9+/=]{16,}", row):
            return True
    return False
