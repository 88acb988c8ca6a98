"""Issue 13, found on the way: what reaches the pusher is bounded.

A push of one file with 20,000 tokens (each a finding) into a bare repository with the
pre-receive hook: the pusher gets at most MAX_PER_FILE of them listed, a count of the rest,
and the summary of all of them, in well under 1 MiB.
"""

from __future__ import annotations

import io
import json
import re

from agent_guard.model import Finding, Severity
from agent_guard.report import render
from agent_guard.report.limits import MAX_FINDINGS, MAX_PER_FILE
from agent_guard.verdict import decide
from tests.conftest import GitRepo
from tests.hooks.conftest import install_pre_receive, push
from tests.secrets import fakes

Servers = tuple[GitRepo, GitRepo]


def test_a_push_with_twenty_thousand_findings_gets_a_bounded_report(
    server_and_clone: Servers,
) -> None:
    server, clone = server_and_clone
    install_pre_receive(server)
    lines = "".join(f"TOKEN_{n}={fakes.github_token()}\n" for n in range(20_000))
    clone.write("config/tokens.txt", lines)
    clone.commit("Add tokens")
    result = push(clone, "main")
    assert not result.accepted
    assert len(result.output.encode()) < 2**20 / 4, len(result.output)
    assert result.output.count("GitHub token") == MAX_PER_FILE
    found = int(re.search(r"blocked: (\d+) errors", result.output)[1])  # type: ignore[index]
    assert found > 19_900  # the summary counts every one (a random token may look fake)
    assert f"and {found - MAX_PER_FILE:,} more findings not listed" in result.output


def test_a_small_push_lists_every_finding(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    clone.write("config/tokens.txt", "".join(f"T{n}={fakes.github_token()}\n" for n in range(3)))
    clone.commit("Add tokens")
    result = push(clone, "main")
    assert not result.accepted
    assert result.output.count("GitHub token") == 3 and "more findings" not in result.output


def _finding(path: str, line: int, message: str = "m") -> Finding:
    return Finding("secret", "AG301", Severity.ERROR, path, line, 1, message, "fix")


def test_every_format_caps_per_file_and_in_all_and_json_counts_the_rest() -> None:
    findings = [_finding(f"f{n % 50}.txt", n, "x" * 5000) for n in range(5_000)]
    verdict = decide(findings)
    for fmt in ("text", "concise", "github", "sarif"):
        out = io.StringIO()
        render(verdict, fmt, out, color=False, verbose=False)
        assert len(out.getvalue()) < 2**20, (fmt, len(out.getvalue()))
    out = io.StringIO()
    render(verdict, "json", out, color=False)
    document = json.loads(out.getvalue())
    assert len(document["findings"]) == MAX_FINDINGS
    assert document["omitted"]["count"] == 5_000 - MAX_FINDINGS
    assert document["counts"]["error"] == 5_000 and document["verdict"] == "blocked"
    assert all(len(f["message"]) < 600 for f in document["findings"])


def test_the_server_report_is_cut_under_one_mebibyte_notes_included() -> None:
    from agent_guard.commands.hook import _bounded
    from agent_guard.report.limits import MAX_OUTPUT

    assert MAX_OUTPUT < 2**20
    small = "blocked: 1 error\n"
    assert _bounded(small) == small
    notes = "".join(
        f"agent-guard: refs/tags/t{n}: suppression honoured: é {n}\n" for n in range(40_000)
    )
    cut = _bounded(notes)
    data = cut.encode()
    assert len(data) < 2**20
    assert cut.endswith("on a clone for the rest\n")
    assert f"of {len(notes.encode()):,} bytes" in cut
    assert all(line.startswith("agent-guard: ") for line in cut.splitlines())  # whole lines
