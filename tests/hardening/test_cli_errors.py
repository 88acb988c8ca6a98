"""Bad input at the command line: one clear line on stderr, exit 2, never a traceback.

Each case names the EXACT line a user sees, so a message cannot silently get worse.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import GitRepo
from tests.hardening.support import assert_one_line_error, run_cli, with_policy

SHALLOW_HINT = (
    " (this is a shallow clone and the commit may be outside it: fetch more history with "
    "`git fetch --deepen=N` or `git fetch --unshallow`, or in CI set fetch-depth: 0)"
)


@dataclass(frozen=True)
class Case:
    name: str
    args: list[str]
    expected: str  # `{root}` / `{tmp}` are filled in
    prepare: Callable[[GitRepo, Path], Path] = lambda repo, tmp: repo.path  # -> cwd


def _missing_config_dir(repo: GitRepo, tmp: Path) -> Path:
    (repo.path / ".agent-guard.yaml").unlink()
    (repo.path / ".agent-guard.yaml").mkdir()  # present but unreadable as a file (root-proof)
    return repo.path


def _config_symlink_loop(repo: GitRepo, tmp: Path) -> Path:
    (repo.path / "loop.yaml").symlink_to("loop.yaml")  # ELOOP: unreadable even for root
    return repo.path


def _outside(repo: GitRepo, tmp: Path) -> Path:
    folder = tmp / "not-a-repo"
    folder.mkdir()
    return folder


def _shallow(repo: GitRepo, tmp: Path) -> Path:
    repo.write("app/service.py", "def ok() -> int:\n    return 2\n")
    repo.commit("second")
    clone = tmp / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    return clone


def _bare(repo: GitRepo, tmp: Path) -> Path:
    bare = tmp / "bare.git"
    repo.git("clone", "-q", "--bare", str(repo.path), str(bare))
    return bare


CASES = [
    Case(
        "missing rule file (diff)",
        ["diff", "--rules", "nope.mdc"],
        "agent-guard: nope.mdc: cannot read rule file: No such file or directory",
    ),
    Case(
        "missing rule file (rules)",
        ["rules", "nope.mdc"],
        "agent-guard: nope.mdc: cannot read rule file: No such file or directory",
    ),
    Case(
        "missing config",
        ["diff", "--config", "nope.yaml"],
        "agent-guard: nope.yaml: cannot read config: No such file or directory",
    ),
    Case(
        "unreadable config: a directory where the file should be",
        ["diff"],
        "agent-guard: .agent-guard.yaml: cannot read: Is a directory",
        _missing_config_dir,
    ),
    Case(
        "unreadable config: a symlink loop",
        ["rules", "--config", "loop.yaml"],
        "agent-guard: loop.yaml: cannot read config: Too many levels of symbolic links",
        _config_symlink_loop,
    ),
    Case(
        "a revision that does not exist",
        ["diff", "no-such-branch"],
        "agent-guard: unknown revision or not a commit: no-such-branch",
    ),
    Case(
        "a range with a side that does not exist",
        ["diff", "main..no-such-branch"],
        "agent-guard: unknown revision or not a commit: no-such-branch",
    ),
    Case(
        "a revision that looks like an option",
        ["diff", "--", "--output=/tmp/x"],
        "agent-guard: unknown revision or not a commit: --output=/tmp/x",
    ),
    Case(
        "not a git repository",
        ["diff"],
        "agent-guard: not a git repository (nor any parent folder): {tmp}/not-a-repo",
        _outside,
    ),
    Case(
        "shallow clone missing the parent of the commit",
        ["diff", "HEAD"],
        "agent-guard: HEAD: its parent {parent} is missing" + SHALLOW_HINT,
        _shallow,
    ),
    Case(
        "shallow clone missing the base of a range",
        ["diff", "HEAD~1..HEAD"],
        "agent-guard: unknown revision or not a commit: HEAD~1" + SHALLOW_HINT,
        _shallow,
    ),
    Case(
        "a bare repository for diff --staged",
        ["diff", "--staged"],
        "agent-guard: a bare repository has no index: name a revision range",
        _bare,
    ),
    Case(
        "a bare repository for diff --worktree",
        ["diff", "--worktree"],
        "agent-guard: a bare repository has no work tree: name a revision range",
        _bare,
    ),
    Case(
        "two changes at once",
        ["diff", "--staged", "HEAD"],
        "agent-guard: choose one change to check, not --staged and HEAD",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gives_the_exact_message(
    case: Case, repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_policy(repo)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    cwd = case.prepare(repo, tmp_path)
    parent = repo.git("rev-parse", "HEAD~1").strip() if "{parent}" in case.expected else ""
    expected = case.expected.format(tmp=tmp_path.resolve(), parent=parent)
    assert_one_line_error(run_cli(case.args, cwd), expected)


# -- garbage policy files through the real command line --------------------------------------

GARBAGE = {
    "binary": bytes(range(256)) * 4,
    "not utf-8": b"---\nglobs: \xff\xfe\n---\n<agent>x</agent>",
    "unclosed front matter": b"---\nglobs: a\n",
    "bad xml": b"<agent><rule>never</agent>",
    "null byte": b"<agent>\x00</agent>",
    "deep yaml": b"---\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n",
    "deep xml": b"<agent>" + b"<a>" * 3000 + b"</a>" * 3000 + b"</agent>",
    "entity expansion": b'<!DOCTYPE agent [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
    b"<agent><r>&b;</r></agent>",
    "unknown check": b'<agent><rule check="no-such-check">x</rule></agent>',
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_rules_command_on_a_garbage_rule_file(name: str, repo: GitRepo) -> None:
    repo.write(".cursor/rules/bad.mdc", GARBAGE[name])
    result = run_cli(["rules"], repo.path)
    stderr = result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("agent-guard: .cursor/rules/bad.mdc"), stderr
    assert "\x1b" not in stderr and "\r" not in stderr


def test_rules_command_on_a_garbage_config(repo: GitRepo) -> None:
    repo.write(".cursor/rules/a.mdc", "<agent><rule>Never use print.</rule></agent>")
    repo.write(".agent-guard.yaml", "checks:\n  print-call: \x1b[31m{\n")
    result = run_cli(["rules"], repo.path)
    assert_one_line_error(
        result,
        "agent-guard: .agent-guard.yaml:2:15: invalid YAML: special characters are not allowed",
    )


def test_pathological_binding_regex_is_refused_with_a_config_error(repo: GitRepo) -> None:
    repo.write(".cursor/rules/a.mdc", "<agent><rule>Never use print.</rule></agent>")
    repo.write(".agent-guard.yaml", "bindings:\n  '(a+)+$': [print-call]\n")
    result = run_cli(["rules"], repo.path, timeout=20)
    assert_one_line_error(
        result,
        "agent-guard: .agent-guard.yaml:2:3: binding '(a+)+$' is refused: a repeated group "
        "contains a repetition or an alternation (e.g. `(a+)+` or `(a|b)*`), which can take "
        "exponential time; use a plain phrase",
    )


def _cli_in_process(args: list[str], cwd: Path) -> tuple[int, str]:
    """The real `main()` in this process (fast enough for property tests)."""
    from agent_guard.cli import main

    previous = Path.cwd()
    err, out = io.StringIO(), io.StringIO()
    os.chdir(cwd)
    try:
        with redirect_stderr(err), redirect_stdout(out):
            code = main(args)
    finally:
        os.chdir(previous)
    return code, err.getvalue()


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rule=st.binary(max_size=300), config=st.binary(max_size=200))
def test_rules_command_on_random_bytes(tmp_path: Path, rule: bytes, config: bytes) -> None:
    folder = tmp_path / "fuzz"
    (folder / ".git").mkdir(parents=True, exist_ok=True)
    (folder / ".cursor/rules").mkdir(parents=True, exist_ok=True)
    (folder / ".cursor/rules/a.mdc").write_bytes(rule)
    (folder / ".agent-guard.yaml").write_bytes(config)
    code, stderr = _cli_in_process(["rules"], folder)
    assert code in (0, 2), stderr
    if code == 2:
        assert len(stderr.splitlines()) == 1, stderr
        assert stderr.startswith("agent-guard: ")
