"""The corpus of check cases: one small file per case, expectations written in the file.

Layout: `tests/checks/corpus/<check_slug_with_underscores>/<case>.py`. Only the directory's
check runs on its files (plus `suppression-reason`, which reports bad suppressions). A line
that must be reported ends with `# expect: AG104` (several codes: `# expect: AG101, AG106`);
a line `# expect-below: AG109` expects the codes on the NEXT line (for lines whose own
comment is the subject, such as a suppression). A case without expectations is a negative
case: nothing may be reported. Optional header lines:

    # corpus-path: tests/test_api.py        the repository path the file is checked as
    # corpus-options: {"require_exc_info": false}   options of the directory's check
    # corpus-checks: print-call, broad-except     more checks to enable (suppression cases)
    # corpus-severity: escalate                   severity of every enabled check
    # corpus-binding: {"targets": ["assert"], "exclude": ["tests/**"]}
        a rule binding the directory's check (one line each; its params, plus optional
        "include"/"exclude" globs and "severity"): checks such as banned-code read these

The ruff agreement benchmark reads the same files and the same markers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
_EXPECT_BELOW = re.compile(r"^\s*#\s*expect-below:\s*([A-Z0-9, ]+)")
_PATH = re.compile(r"^#\s*corpus-path:\s*(\S+)", re.MULTILINE)
_CHECKS = re.compile(r"^#\s*corpus-checks:\s*(.+)$", re.MULTILINE)
_SEVERITY = re.compile(r"^#\s*corpus-severity:\s*(\w+)", re.MULTILINE)
_OPTIONS = re.compile(r"^#\s*corpus-options:\s*(\{.*\})\s*$", re.MULTILINE)
_BINDING = re.compile(r"^#\s*corpus-binding:\s*(\{.*\})\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    file: Path
    slug: str
    path: str  # the repository path the case is checked as
    options: dict[str, object]
    expected: frozenset[tuple[int, str]]  # (line, code)
    checks: tuple[str, ...] = ()  # enabled besides the directory's own
    severity: str | None = None
    bindings: tuple[dict[str, object], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.file.parent.name}/{self.file.stem}"

    @property
    def text(self) -> str:
        return self.file.read_bytes().decode("utf-8", errors="replace")


def _codes(raw: str) -> list[str]:
    return [code.strip() for code in raw.split(",") if code.strip()]


def load_case(file: Path) -> Case:
    text = file.read_bytes().decode("utf-8", errors="replace")
    expected: set[tuple[int, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        below = _EXPECT_BELOW.match(line)
        if below:
            expected.update((number + 1, code) for code in _codes(below.group(1)))
            continue
        match = _EXPECT.search(line)
        if match:
            expected.update((number, code) for code in _codes(match.group(1)))
    path_match = _PATH.search(text)
    options_match = _OPTIONS.search(text)
    return Case(
        file=file,
        slug=file.parent.name.replace("_", "-"),
        path=path_match.group(1) if path_match else f"app/{file.parent.name}/{file.name}",
        options=json.loads(options_match.group(1)) if options_match else {},
        expected=frozenset(expected),
        checks=tuple(_codes(checks.group(1))) if (checks := _CHECKS.search(text)) else (),
        severity=severity.group(1) if (severity := _SEVERITY.search(text)) else None,
        bindings=tuple(json.loads(found) for found in _BINDING.findall(text)),
    )


def all_cases() -> list[Case]:
    return [load_case(file) for file in sorted(CORPUS.glob("*/*.py"))]
