"""The hot commands' one declaration read by two parsers: the lean one and click agree.

`agent-guard diff` and the hooks parse without click (issue 12 measured click at 15-30 ms
of a ~150 ms check); click builds `--help`, completion and the errors from the same
`Param`s. Whatever the lean parser accepts, click must parse to the same values.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_guard.commands.diff import DIFF
from agent_guard.commands.hook import HOOKS
from agent_guard.commands.params import Command, parse, to_click

INVOCATIONS: list[tuple[Command, list[str]]] = [
    (DIFF, []),
    (DIFF, ["--staged"]),
    (DIFF, ["origin/main...HEAD", "--format", "github", "--verify-signatures"]),
    (DIFF, ["--format=concise", "--select", "AG1,print-call", "--select", "AG2"]),
    (DIFF, ["--ignore", "AG106", "--exit-zero", "--statistics", "--output-file", "out.txt"]),
    (DIFF, ["--rules", "a.mdc", "--rules=b.mdc", "--no-color", "--fail-on", "warning"]),
    (DIFF, ["--", "--odd-revision"]),
    (HOOKS["pre-commit"], ["--escalations", "defer", "--format", "concise", "--ignore", "AG1"]),
    (HOOKS["commit-msg"], ["MSG", "--select", "AG401", "--exit-zero"]),
    (HOOKS["pre-push"], ["origin", "git@example.com:x.git", "--statistics"]),
    (HOOKS["pre-receive"], ["--time-budget", "2.5", "--fail-open"]),
]


@pytest.mark.parametrize(("command", "args"), INVOCATIONS)
def test_lean_and_click_parse_alike(
    command: Command, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    lean = parse(command.params, args)
    assert lean is not None, f"the lean parser declined {args}"
    clicked = to_click(command).make_context(command.name, list(args)).params
    assert lean == clicked


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--format", "xml"], ["--select"], ["--exit-zero=yes"], ["--nope"], ["a", "b"]],
)
def test_the_lean_parser_leaves_the_rest_to_click(args: list[str]) -> None:
    assert parse(DIFF.params, args) is None


TOKENS = [
    "--staged", "--worktree", "--format", "--format=concise", "text", "xml", "--select",
    "--ignore", "AG1,print-call", "--exit-zero", "--statistics", "--output-file", "out.txt",
    "--rules", "a.mdc", "--color", "--no-color", "--fail-on", "warning", "--all-lines",
    "--escalations", "defer", "HEAD", "origin/main...HEAD", "-", "--", ".",
]  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(args=st.lists(st.sampled_from(TOKENS), max_size=7))
def test_whatever_the_lean_parser_accepts_click_parses_alike(
    args: list[str], tmp_path: Path
) -> None:
    previous = Path.cwd()
    os.chdir(tmp_path)  # `.` is a directory: a file option must refuse it
    try:
        for command in (DIFF, HOOKS["pre-commit"]):
            lean = parse(command.params, args)
            if lean is not None:
                clicked = to_click(command).make_context(command.name, list(args)).params
                assert lean == clicked, args
    finally:
        os.chdir(previous)
