"""Python sources that stress the AST pass, through the real engine (`agent-guard diff`).

Each is reported as a `syntax-error` finding with a reason (or checked normally when it is
valid), in bounded time, and never crashes the run: a crash in a hook either lets the
change through or blocks everyone.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass

import pytest

from tests.conftest import GitRepo
from tests.hardening.support import run_cli, with_policy

DEPTH = 2900  # deeper than the walker's recursion limit, still within CPython's parser


@dataclass(frozen=True)
class Source:
    name: str
    data: bytes
    syntax_error: str | None  # expected words of the syntax-error message; None: it parses
    print_line: int | None = None  # a line with a print() call the checks must still see
    newer: tuple[int, int] | None = None  # syntax of that Python: an older one only advises


DEEP_BUT_VALID = "too deeply nested to check"  # checked normally, or this finding; no crash


SOURCES = [
    Source("deep parentheses", b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
           "too many nested parentheses"),
    Source("deep unary minus (RecursionError in the parser)",
           b"x = " + b"-" * 100_000 + b"1\n", "too deeply nested to parse"),
    Source("deep indentation", b"".join(b"    " * i + b"if x:\n" for i in range(150))
           + b"    " * 150 + b"pass\n", "too many levels of indentation"),
    Source("nested lambdas", b"x = " + b"lambda: " * DEPTH + b"1\n", DEEP_BUT_VALID),
    Source("long operator chain", b"x = 1" + b" + 1" * DEPTH + b"\n", DEEP_BUT_VALID),
    Source("long conditional chain", b"x = " + b"a if b else " * DEPTH + b"1\n", DEEP_BUT_VALID),
    Source("long attribute chain called", b"a" + b".b" * DEPTH + b"()\n", DEEP_BUT_VALID),
    Source("long call chain", b"print" + b"()" * DEPTH + b"\n", DEEP_BUT_VALID),
    Source("deep nested functions", b"".join(
        b"    " * i + b"def f%d():\n" % i for i in range(95)) + b"    " * 95 + b"print(1)\n",
        None, 96),
    Source("deep default argument", b"def f(x=" + b"[" * 150 + b"]" * 150 + b"):\n    pass\n",
           DEEP_BUT_VALID),
    Source("null byte", b"x = 1\ny = '\x00'\n", "null bytes"),
    Source("invalid UTF-8", b"x = 1\ns = '\xff\xfe'\n", "cannot decode as utf-8"),
    Source("unknown coding cookie", b"# -*- coding: klingon -*-\nx = 1\n",
           "cannot detect the source encoding"),
    Source("bytes invalid in the declared encoding",
           b"# coding: ascii\nx = '\xc3\xa9'\n", "cannot decode as ascii"),
    Source("BOM and a conflicting cookie", b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
           "cannot detect the source encoding"),
    Source("BOM", b"\xef\xbb\xbfx = 1\nprint(x)\n", None, 2),
    Source("CRLF line endings", b"x = 1\r\nif x:\r\n    print(x)\r\n", None, 3),
    Source("CR-only line endings", b"x = 1\rprint(x)\r", None, 2),
    Source("latin-1 with a cookie", b"# coding: latin-1\ns = '\xe9'\nprint(s)\n", None, 3),
    Source("tabs mixed with spaces", b"if True:\n        x = 1\n\ty = 2\n", "indentation"),
    Source("Python 3.12 syntax: type statement", b"type Pair = tuple[int, int]\n", None,
           newer=(3, 12)),
    Source("Python 3.13 syntax: type parameter default",
           b"type Pair[T = int] = tuple[T, T]\n", None, newer=(3, 13)),
    Source("Python 3.14 syntax: except without parentheses",
           b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", None, newer=(3, 14)),
    Source("Python 2 syntax", b"print 'hello'\n", "Missing parentheses"),
    Source("empty file", b"", None),
    Source("only a BOM", b"\xef\xbb\xbf", None),
]  # fmt: skip


def _diff_json(repo: GitRepo, *args: str) -> tuple[int, dict[str, object], float]:
    start = time.perf_counter()
    result = run_cli(["diff", "--format", "json", *args], repo.path, timeout=120)
    elapsed = time.perf_counter() - start
    stderr = result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr, stderr
    assert result.returncode in (0, 1), (result.returncode, stderr)
    return result.returncode, json.loads(result.stdout), elapsed


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_stress_source_is_a_finding_or_checked(source: Source, repo: GitRepo) -> None:
    with_policy(repo)
    repo.write("app/stress.py", source.data)
    repo.add()
    code, report, elapsed = _diff_json(repo, "--staged")
    findings = [f for f in report["findings"] if f["path"] == "app/stress.py"]  # type: ignore[attr-defined]
    syntax = [f for f in findings if f["check"] == "syntax-error"]
    if source.newer is not None and sys.version_info[:2] < source.newer:
        # this interpreter cannot tell new syntax from a mistake: advisory, never a block
        assert [f["severity"] for f in syntax] == ["advisory"], findings
        assert "Python {}.{}".format(*source.newer) in syntax[0]["message"], syntax[0]
        assert code == 0
    elif source.syntax_error is None:
        assert syntax == [], syntax
    elif source.syntax_error is DEEP_BUT_VALID:
        assert len(syntax) <= 1, findings
        assert all(DEEP_BUT_VALID in finding["message"] for finding in syntax), syntax
    else:
        assert len(syntax) == 1, findings
        assert source.syntax_error.lower() in syntax[0]["message"].lower(), syntax[0]
        assert code == 1  # syntax-error is configured as an error: it blocks
    if source.print_line is not None:
        lines = [f["line"] for f in findings if f["check"] == "print-call"]
        assert lines == [source.print_line], findings
    assert elapsed < 30


@pytest.mark.slow
def test_a_5mb_generated_file_is_checked_in_bounded_time(repo: GitRepo) -> None:
    with_policy(repo)
    body = "".join(
        f"def handler_{i}(value: int) -> int:\n    total = value * {i}\n    return total\n\n\n"
        for i in range(62_000)
    )
    body += "print('the one finding')\n"
    assert len(body) > 5_000_000
    repo.write("app/generated.py", body)
    repo.add()
    code, report, elapsed = _diff_json(repo, "--staged")
    findings = [f for f in report["findings"] if f["path"] == "app/generated.py"]  # type: ignore[attr-defined]
    assert [f["check"] for f in findings] == ["print-call"], findings
    assert code == 1
    assert elapsed < 60, f"5 MB took {elapsed:.1f} s"


def test_a_file_over_the_size_limit_is_reported_not_skipped(repo: GitRepo) -> None:
    """Blobs over 8 MB are never held in memory; a Python one is a `syntax-error` escalation.

    Padding a file past 8 MB must not hide its code from the checks silently (see
    docs/security.md, "Bounded work"); `-v` says why too.
    """
    with_policy(repo)
    repo.write("app/huge.py", b"x = 1\n" * 1_500_000 + b"print(x)\n")  # 9 MB
    repo.add()
    result = run_cli(["-v", "diff", "--staged", "--format", "json"], repo.path, timeout=120)
    assert b"Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    found = [f for f in report["findings"] if f["path"] == "app/huge.py"]
    assert [(f["check"], f["severity"], f["message"]) for f in found] == [
        (
            "syntax-error",
            "escalate",
            "too large to check: needs an approver (8.6 MB > 8 MB; no code check read it)",
        )
    ]
    assert b"app/huge.py: too large to check" in result.stderr, result.stderr.decode()
