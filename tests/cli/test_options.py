"""The command line as ruff users expect it, on real repositories through `main([...])`.

`-q`/`-v` anywhere, `--select`/`--ignore`, `--exit-zero`, `--statistics`, `--output-file`
and `--format concise`, on `diff` and the local hooks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED_RULE_FILE, GitRepo

CONFIG = """\
escalation:
  approvers: [lead@example.com]
checks:
  print-call: {severity: error}
"""
# Four code findings: AG102 print-call and AG103 broad-except (errors), AG101
# mutable-default and AG106 missing-annotation (warnings).
CHANGE = """\
def handler(items=[]):
    print(items)
    try:
        return items
    except Exception:
        return None
"""
CONCISE = [
    "app/handler.py:1:1: AG106 [missing-annotation] `handler` is missing annotations: "
    "parameter `items` and the return type",
    "app/handler.py:1:19: AG101 [mutable-default] parameter `items` has a mutable default "
    "(list): it is created once and shared by every call",
    "app/handler.py:2:5: AG102 [print-call] `print()` in production code",
    "app/handler.py:5:5: AG103 [broad-except] the handler catches `Exception` and neither "
    "re-raises nor logs or reports it",
    "blocked: 2 errors, 2 warnings",
]


@pytest.fixture
def staged(repo: GitRepo) -> GitRepo:
    """The seed rule file and a config committed; a module with four findings staged."""
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    repo.write(".agent-guard.yaml", CONFIG)
    repo.write("app/__init__.py", "")
    repo.commit("policy")
    repo.write("app/handler.py", CHANGE)
    repo.add()
    return repo


def codes(stdout: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in stdout.splitlines() if ": AG" in line]


def test_concise_is_one_line_per_finding(staged: GitRepo) -> None:
    done = staged.cli("diff", "--format", "concise")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == CONCISE


def test_concise_names_the_commit_of_a_range(staged: GitRepo) -> None:
    staged.write("app/models.py", "class User:\n    name: str\n")
    tip = staged.commit("add the handler and a model")
    done = staged.cli("diff", "HEAD~1..HEAD", "--format=concise", "--select", "protected-file")
    first, summary = done.stdout.splitlines()
    assert first.startswith("app/models.py:1:1: AG001 [protected-file] this change ")
    assert first.endswith(f" (commit {tip[:12]})")
    assert summary == "blocked: 1 escalation"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "print-call"], ["AG102"]),
        (["--select", "AG102"], ["AG102"]),
        (["--select", "ag101,AG102"], ["AG101", "AG102"]),
        (["--select", "AG101", "--select", "broad-except"], ["AG101", "AG103"]),
        (["--select", "AG1", "--ignore", "AG106,AG103"], ["AG101", "AG102"]),
        (["--ignore", "AG10"], []),
        (["--select", "ALL", "--ignore", "missing-annotation"], ["AG101", "AG102", "AG103"]),
    ],
)
def test_select_and_ignore(staged: GitRepo, args: list[str], expected: list[str]) -> None:
    done = staged.cli("diff", "--format", "concise", *args)
    assert done.returncode == (1 if {"AG102", "AG103"} & set(expected) else 0), done.stderr
    assert sorted(codes(done.stdout)) == expected


def test_what_is_not_selected_does_not_block(staged: GitRepo) -> None:
    done = staged.cli("diff", "--ignore", "print-call,broad-except")
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[-1] == "passed: 2 warnings"


def test_a_narrowed_run_does_not_narrow_the_next_full_run(staged: GitRepo) -> None:
    """The per-blob results cache keys the narrowed policy on its own."""
    assert codes(staged.cli("diff", "--format", "concise", "--select", "AG102").stdout) == ["AG102"]
    full = staged.cli("diff", "--format", "concise")
    assert full.stdout.splitlines() == CONCISE
    again = staged.cli("diff", "--format", "concise", "--select", "AG102")
    assert codes(again.stdout) == ["AG102"]


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_an_unknown_check_is_one_line_and_exit_2(staged: GitRepo, option: str) -> None:
    done = staged.cli("diff", option, "print-call,prnt-call")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"agent-guard: {option}: no check named 'prnt-call' (a slug such as print-call, a "
        "code such as AG102, a code prefix such as AG1, or ALL; `agent-guard explain` lists "
        "them)"
    ]


def test_exit_zero(staged: GitRepo) -> None:
    done = staged.cli("diff", "--exit-zero", "--format", "concise")
    assert done.returncode == 0
    assert done.stdout.splitlines() == CONCISE  # still reported, still "blocked"
    assert staged.cli("diff", "--exit-zero", "no-such-rev").returncode == 2


def test_statistics(staged: GitRepo) -> None:
    staged.write("app/more.py", "def other() -> None:\n    print('x')\n")
    staged.add()
    done = staged.cli("diff", "--statistics")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "    2  AG102  print-call",
        "    1  AG101  mutable-default",
        "    1  AG103  broad-except",
        "    1  AG106  missing-annotation",
        "blocked: 3 errors, 2 warnings",
    ]
    as_json = json.loads(staged.cli("diff", "--statistics", "--format", "json").stdout)
    assert as_json[0] == {"code": "AG102", "slug": "print-call", "count": 2}
    refused = staged.cli("diff", "--statistics", "--format", "sarif")
    assert refused.returncode == 2
    assert refused.stderr == "agent-guard: --statistics works with --format text, concise, json\n"


def test_output_file(staged: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    done = staged.cli("diff", "--format", "concise", "--output-file", str(target))
    assert done.returncode == 1
    assert done.stdout == ""
    assert target.read_text(encoding="utf-8").splitlines() == CONCISE
    sarif = tmp_path / "report.sarif"
    assert staged.cli("diff", f"--output-file={sarif}", "--format", "sarif").returncode == 1
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_an_unwritable_output_file_is_one_line(staged: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.txt"
    done = staged.cli("diff", "--output-file", str(target))
    assert done.returncode == 2
    assert (
        done.stderr
        == f"agent-guard: {target}: cannot write the report: No such file or directory\n"
    )


@pytest.mark.parametrize(
    "args",
    [["-v", "diff"], ["diff", "-v"], ["diff", "--verbose", "--format", "concise"], ["diff", "-vv"]],
)
def test_verbose_anywhere_shows_what_agent_guard_does(staged: GitRepo, args: list[str]) -> None:
    done = staged.cli(*args)
    assert done.returncode == 1
    assert "agent-guard: INFO: policy: 1 rule file(s)" in done.stderr
    assert "agent-guard: INFO: checked 1 changed file(s) in 1 change set(s): 4 finding(s)" in (
        done.stderr
    )
    assert ("DEBUG" in done.stderr) == ("-vv" in args)
    assert "INFO" not in staged.cli("diff").stderr


@pytest.mark.parametrize("args", [["-v", "rules"], ["rules", "-v"], ["explain", "AG102", "-q"]])
def test_verbosity_is_accepted_by_every_command(staged: GitRepo, args: list[str]) -> None:
    done = staged.cli(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout


def test_a_verbose_flag_after_double_dash_is_a_revision(staged: GitRepo) -> None:
    done = staged.cli("diff", "--", "-v")
    assert done.returncode == 2
    assert done.stderr == "agent-guard: unknown revision or not a commit: -v\n"


def test_quiet_prints_nothing_for_a_clean_change(staged: GitRepo) -> None:
    staged.git("reset", "-q")
    assert staged.cli("diff").stdout == "passed: no findings\n"
    for args in (["-q", "diff"], ["diff", "-q"], ["hook", "pre-commit", "--quiet"]):
        done = staged.cli(*args)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), args
    assert staged.cli("diff", "-q", "--format", "json").stdout  # machines still get a report


def test_quiet_still_shows_findings(staged: GitRepo) -> None:
    done = staged.cli("-q", "diff", "--format", "concise")
    assert done.stdout.splitlines() == CONCISE


# -- the local hooks take the same options ---------------------------------------------------


def test_pre_commit_hook_options(staged: GitRepo, tmp_path: Path) -> None:
    done = staged.cli("hook", "pre-commit", "--format", "concise")
    assert done.returncode == 1
    assert done.stdout.splitlines() == CONCISE
    narrowed = staged.cli("hook", "pre-commit", "--ignore", "AG102,AG103", "--format=concise")
    assert narrowed.returncode == 0
    assert codes(narrowed.stdout) == ["AG106", "AG101"]
    assert staged.cli("hook", "pre-commit", "--exit-zero").returncode == 0
    stats = staged.cli("hook", "pre-commit", "--statistics", "--select", "AG102")
    assert stats.stdout.splitlines() == ["    1  AG102  print-call", "blocked: 1 error"]
    target = tmp_path / "hook.txt"
    written = staged.cli("hook", "pre-commit", "--output-file", str(target), "--format", "concise")
    assert (written.returncode, written.stdout) == (1, "")
    assert target.read_text(encoding="utf-8").splitlines() == CONCISE
    assert staged.cli("hook", "pre-commit", "--select", "nope").returncode == 2


def test_commit_msg_hook_options(staged: GitRepo, tmp_path: Path) -> None:
    message = tmp_path / "MSG"
    message.write_text("Refactor the handler\n", encoding="utf-8")
    blocked = staged.cli("hook", "commit-msg", str(message), "--format", "concise")
    assert blocked.returncode == 1
    assert "AG401 [refactor-explained]" in blocked.stdout
    quiet = staged.cli("hook", "commit-msg", str(message), "--select", "AG401", "--exit-zero")
    assert quiet.returncode == 0
    rest = staged.cli("hook", "commit-msg", str(message), "--ignore", "AG401", "--format=concise")
    assert codes(rest.stdout) == ["AG102", "AG103"]


def test_pre_push_hook_options(staged: GitRepo) -> None:
    staged.commit("add the handler")
    head = staged.git("rev-parse", "HEAD").strip()
    stdin = f"refs/heads/main {head} refs/heads/main {'0' * 40}\n"
    blocked = staged.cli("hook", "pre-push", "origin", "--format", "concise", input=stdin)
    assert blocked.returncode == 1, blocked.stderr
    assert "app/handler.py:2:5: AG102 [print-call]" in blocked.stdout
    allowed = staged.cli("hook", "pre-push", "--ignore", "AG1,policy-change", input=stdin)
    assert allowed.returncode == 0, allowed.stdout


def test_the_server_hook_does_not_take_selection(staged: GitRepo) -> None:
    """What the server enforces is the trusted policy, not a command line."""
    done = staged.cli("hook", "pre-receive", "--ignore", "AG102")
    assert done.returncode == 2
    assert done.stderr == (
        "agent-guard: No such option '--ignore'. (see `agent-guard hook pre-receive --help`)\n"
    )


# -- click's own errors are one line too -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["diff", "--format", "xml"],
            "Invalid value for '--format': 'xml' is not one of 'text', 'concise', 'json', "
            "'sarif', 'github'. (see `agent-guard diff --help`)",
        ),
        (
            ["diff", "--select"],
            "Option '--select' requires an argument. (see `agent-guard diff --help`)",
        ),
        (
            ["hook", "pre-push", "--output-file"],
            "Option '--output-file' requires an argument. (see `agent-guard hook pre-push --help`)",
        ),
        (
            ["hook", "commit-msg"],
            "Missing argument 'MESSAGE_FILE'. (see `agent-guard hook commit-msg --help`)",
        ),
        (["nope"], "No such command 'nope'. (see `agent-guard --help`)"),
    ],
)
def test_a_bad_invocation_is_one_line_and_exit_2(
    staged: GitRepo, args: list[str], expected: str
) -> None:
    done = staged.cli(*args)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"agent-guard: {expected}\n"


def test_no_command_shows_the_help(staged: GitRepo) -> None:
    done = staged.cli()
    assert done.returncode == 2
    assert done.stderr.startswith("Usage: agent-guard [OPTIONS] COMMAND [ARGS]...")
    assert "-q, --quiet" in done.stderr and "-v, --verbose" in done.stderr
