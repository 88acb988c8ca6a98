"""The corpus of check cases: one small file per case, expectations written in the file.

Layout: `tests/checks/corpus/<check_slug_with_underscores>/<case>.py`. Only the directory's
check runs on its files (plus `suppression-reason`, which reports bad suppressions).

Markers, as flake8-bugbear's fixtures carry line and column: a line that must be reported
ends with `# expect: CODE:COLUMN`, the column 1-based as in the reports' `path:line:col`
(`time.sleep(1)` indented by four spaces: `# expect: AG104:5`); several findings on the line
are separated by commas (`# expect: AG101:13, AG106:1`). A line `# expect-below: AG109:5`
expects them on the NEXT line (for lines whose own comment is the subject, such as a
suppression). A marker that does not parse is an error, not a negative case. A case without
markers is a negative case: nothing may be reported. Optional header lines:

    # corpus-path: tests/test_api.py        the repository path the file is checked as
    # corpus-options: {"require_exc_info": false}   options of the directory's check
    # corpus-checks: print-call, broad-except     more checks to enable (suppression cases)
    # corpus-severity: escalate                   severity of every enabled check
    # corpus-python: 3.12                         the Python whose parser accepts the file:
                                                  on an older one, only an advisory AG108
    # corpus-binding: {"targets": ["assert"], "exclude": ["tests/**"]}
        a rule binding the directory's check (one line each; its params, plus optional
        "include"/"exclude" globs and "severity"): checks such as banned-code read these

The ruff agreement benchmark reads the same files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"

_MARKER = re.compile(r"#\s*expect(-below)?:(.*)$")
_ITEM = re.compile(r"(AG\d{3}):([1-9]\d*)")
_PATH = re.compile(r"^#\s*corpus-path:\s*(\S+)", re.MULTILINE)
_CHECKS = re.compile(r"^#\s*corpus-checks:\s*(.+)$", re.MULTILINE)
_SEVERITY = re.compile(r"^#\s*corpus-severity:\s*(\w+)", re.MULTILINE)
_PYTHON = re.compile(r"^#\s*corpus-python:\s*(\d+)\.(\d+)", re.MULTILINE)
_OPTIONS = re.compile(r"^#\s*corpus-options:\s*(\{.*\})\s*$", re.MULTILINE)
_BINDING = re.compile(r"^#\s*corpus-binding:\s*(\{.*\})\s*$", re.MULTILINE)


Expected = tuple[int, int, str]  # (line, column, code)


@dataclass(frozen=True)
class Case:
    file: Path
    slug: str
    path: str  # the repository path the case is checked as
    options: dict[str, object]
    expected: frozenset[Expected]
    checks: tuple[str, ...] = ()  # enabled besides the directory's own
    severity: str | None = None
    python: tuple[int, int] = (3, 11)  # the oldest Python that parses the file
    bindings: tuple[dict[str, object], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.file.parent.name}/{self.file.stem}"

    @property
    def text(self) -> str:
        return self.file.read_bytes().decode("utf-8", errors="replace")


def _codes(raw: str) -> list[str]:
    return [code.strip() for code in raw.split(",") if code.strip()]


def _expectations(raw: str, where: str) -> list[tuple[int, str]]:
    """`AG104:5, AG102:9` -> [(5, "AG104"), (9, "AG102")]; anything else is an error."""
    items = [item.strip() for item in raw.split(",")]
    parsed = [_ITEM.fullmatch(item) for item in items]
    if not items or not all(parsed):
        raise ValueError(f"{where}: bad marker {raw.strip()!r}: write `# expect: AG104:5`")
    return [(int(match.group(2)), match.group(1)) for match in parsed if match]


def load_case(file: Path) -> Case:
    text = file.read_bytes().decode("utf-8", errors="replace")
    expected: set[Expected] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.search(line)
        if marker is None:
            continue
        below = marker.group(1) is not None
        if below and not line.lstrip().startswith("#"):
            raise ValueError(f"{file}:{number}: `# expect-below:` must be a line of its own")
        target = number + 1 if below else number
        for column, code in _expectations(marker.group(2), f"{file}:{number}"):
            expected.add((target, column, code))
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
        python=(int(version[1]), int(version[2])) if (version := _PYTHON.search(text)) else (3, 11),
        bindings=tuple(json.loads(found) for found in _BINDING.findall(text)),
    )


def all_cases() -> list[Case]:
    return [load_case(file) for file in sorted(CORPUS.glob("*/*.py"))]
