"""The published `.pre-commit-hooks.yaml`, run by the real pre-commit framework (`try-repo`).

pre-commit installs agent-guard into its own virtual environment from a git repository, so
the test snapshots this project's current files into a temporary repository first (the
checkout's HEAD may lag behind the work tree). `try-repo` builds that environment in a
throw-away store on every call (~10 s), so one test uses `try-repo` and the others
`pre-commit run` with a config naming the snapshot, whose environment is built once per
module in PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, GitRepo
from tests.hooks.conftest import MODELS, write_project
from tests.hooks.test_local_hooks import BLOCKING

pytestmark = pytest.mark.slow

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
# pip's configuration (local indexes) lives under the real HOME, which the tests replace.
PIP_CONFIG = Path.home() / ".config" / "pip" / "pip.conf"
SNAPSHOT = ("agent_guard", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(a git repository holding this project's files, a folder for pre-commit's files)."""
    assert PRE_COMMIT.exists(), "pre-commit is a dev dependency: run `make setup`"
    snapshot = tmp_path_factory.mktemp("agent-guard-snapshot")
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, snapshot / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, snapshot / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snap"]):
        subprocess.run([*git, *args], cwd=snapshot, check=True, capture_output=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=snapshot, check=True, capture_output=True, text=True
    ).stdout.strip()
    home = tmp_path_factory.mktemp("pre-commit-home")
    hook_ids = ("agent-guard", "agent-guard-commit-msg", "agent-guard-pre-push")
    (home / "config.yaml").write_text(
        f"repos:\n  - repo: {snapshot}\n    rev: {rev}\n    hooks:\n"
        + "".join(f"      - id: {hook_id}\n" for hook_id in hook_ids)
    )
    yield snapshot, home


def pre_commit(
    target: GitRepo, hook_repo: tuple[Path, Path], *args: str
) -> subprocess.CompletedProcess[str]:
    _, home = hook_repo
    env = {**os.environ, "PRE_COMMIT_HOME": str(home / "store")}
    if PIP_CONFIG.exists():
        env.setdefault("PIP_CONFIG_FILE", str(PIP_CONFIG))
    return subprocess.run(
        [str(PRE_COMMIT), *args],
        cwd=target.path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )


def run(
    target: GitRepo, hook_repo: tuple[Path, Path], *args: str
) -> subprocess.CompletedProcess[str]:
    """`pre-commit run` with the snapshot's hooks (environment reused across the module)."""
    return pre_commit(
        target, hook_repo, "run", "--config", str(hook_repo[1] / "config.yaml"), *args
    )


@pytest.fixture
def target(repo: GitRepo) -> GitRepo:
    write_project(repo)
    repo.commit("Initial project")
    return repo


def test_blocks_a_staged_edit_of_a_protected_file(
    target: GitRepo, hook_repo: tuple[Path, Path]
) -> None:
    target.write("app/models.py", MODELS + "    email: str\n")
    target.add()
    snapshot, _ = hook_repo
    result = pre_commit(
        target, hook_repo, "try-repo", str(snapshot), "agent-guard", "--hook-stage", "pre-commit"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "protected-file" in result.stdout
    assert "app/models.py" in result.stdout


def test_blocks_a_blocking_call_in_async_code(
    target: GitRepo, hook_repo: tuple[Path, Path]
) -> None:
    target.write("app/handlers.py", BLOCKING)
    target.add()
    result = run(target, hook_repo, "agent-guard", "--hook-stage", "pre-commit")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "blocking-in-async" in result.stdout


def test_passes_a_clean_change(target: GitRepo, hook_repo: tuple[Path, Path]) -> None:
    target.write("app/services.py", "def greet(who: str) -> str:\n    return who\n")
    target.add()
    result = run(target, hook_repo, "agent-guard", "--hook-stage", "pre-commit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_commit_msg_hook_judges_the_approval_trailer(
    target: GitRepo, hook_repo: tuple[Path, Path], tmp_path: Path
) -> None:
    target.write("app/models.py", MODELS + "    email: str\n")
    target.add()
    message = tmp_path / "COMMIT_EDITMSG"
    stage = ("--hook-stage", "commit-msg", "--commit-msg-filename", str(message))
    message.write_text("Add email\n\nEscalation-Approved-By: Someone <someone@example.com>\n")
    refused = run(target, hook_repo, "agent-guard-commit-msg", *stage)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "names no configured approver" in refused.stdout
    message.write_text("Add email\n\nEscalation-Approved-By: Lead <lead@example.com>\n")
    accepted = run(target, hook_repo, "agent-guard-commit-msg", *stage)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_pre_push_hook_checks_the_pushed_commits(
    target: GitRepo, hook_repo: tuple[Path, Path]
) -> None:
    target.write("app/models.py", MODELS + "    email: str\n")
    target.git("add", "-A")
    target.git("commit", "-q", "--no-verify", "-m", "Sneak an edit in")
    refs = ("--from-ref", "HEAD~1", "--to-ref", "HEAD")
    result = run(target, hook_repo, "agent-guard-pre-push", "--hook-stage", "pre-push", *refs)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "protected-file" in result.stdout


def test_hook_args_pass_the_command_line_options(
    target: GitRepo, hook_repo: tuple[Path, Path]
) -> None:
    """`args:` in .pre-commit-config.yaml reach the hook: concise output, --ignore."""
    _, home = hook_repo
    config = (home / "config.yaml").read_text()
    rev_line = next(line for line in config.splitlines() if "rev:" in line)
    repo_line = next(line for line in config.splitlines() if "repo:" in line)
    with_args = home / "config-args.yaml"
    with_args.write_text(
        f"repos:\n{repo_line}\n{rev_line}\n    hooks:\n"
        "      - id: agent-guard\n        args: [--format, concise]\n"
        "      - id: agent-guard\n        alias: lenient\n"
        "        args: [--ignore, 'AG104,protected-file']\n"
    )
    target.write("app/handlers.py", BLOCKING)
    target.add()
    args = ("run", "--config", str(with_args), "--hook-stage", "pre-commit")
    strict = pre_commit(target, hook_repo, *args, "agent-guard")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert re.search(
        r"^app/handlers\.py:\d+:\d+: AG104 \[blocking-in-async\] ", strict.stdout, re.M
    )
    lenient = pre_commit(target, hook_repo, *args, "lenient")
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr


# -- whole files, ranges and warnings (issue 16) ---------------------------------------------

MUTABLE = "def collect(item: int, seen: list[int] = []) -> list[int]:\n    return seen\n"


def _own_lines(stdout: str) -> list[str]:
    """The lines of pre-commit's output that are not pre-commit's own (status, hook id...)."""
    return [
        line
        for line in stdout.splitlines()
        if line.strip() and not line.startswith(("agent-guard.", "- hook id:", "- duration:"))
    ]


def test_all_files_checks_committed_violations_a_commit_only_its_change(
    target: GitRepo, hook_repo: tuple[Path, Path]
) -> None:
    """`--all-files` passes every file: those that are not the staged change are checked
    whole, so a violation committed with --no-verify fails the run and is named."""
    target.write("app/handlers.py", BLOCKING)
    target.git("add", "-A")
    target.git("commit", "-q", "--no-verify", "-m", "Sneak a blocking call in")
    target.write("app/services.py", "def greet(who: str) -> str:\n    return who\n")
    target.add()
    change = run(target, hook_repo, "agent-guard", "--hook-stage", "pre-commit")
    assert change.returncode == 0, change.stdout + change.stderr  # the staged change is clean
    whole = run(target, hook_repo, "agent-guard", "--all-files", "--hook-stage", "pre-commit")
    assert whole.returncode == 1, whole.stdout + whole.stderr
    assert re.search(r"app/handlers\.py:5:\d+\s+blocking-in-async", whole.stdout)
    files = run(target, hook_repo, "agent-guard", "--files", "app/services.py")
    assert files.returncode == 0, files.stdout  # staged, clean: the staged change is judged


def test_from_ref_to_ref_judges_that_range(target: GitRepo, hook_repo: tuple[Path, Path]) -> None:
    target.write("app/handlers.py", BLOCKING)
    target.git("add", "-A")
    target.git("commit", "-q", "--no-verify", "-m", "Sneak a blocking call in")
    refs = ("--from-ref", "HEAD~1", "--to-ref", "HEAD", "--hook-stage", "pre-commit")
    result = run(target, hook_repo, "agent-guard", *refs)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "blocking-in-async" in result.stdout and "app/handlers.py" in result.stdout
    target.write("app/more.py", "X = 1\n")
    target.commit("Clean")
    clean = ("--from-ref", "HEAD~1", "--to-ref", "HEAD", "--hook-stage", "pre-commit")
    assert run(target, hook_repo, "agent-guard", *clean).returncode == 0


def test_warnings_are_shown_and_a_clean_commit_adds_nothing(
    target: GitRepo, hook_repo: tuple[Path, Path]
) -> None:
    """pre-commit hides a passing hook's output: the manifest's `verbose: true` shows the
    warnings, and then a clean commit prints nothing of agent-guard's own."""
    target.write("app/collect.py", MUTABLE)
    target.add()
    warned = run(target, hook_repo, "agent-guard", "--hook-stage", "pre-commit")
    assert warned.returncode == 0, warned.stdout + warned.stderr
    assert "Passed" in warned.stdout
    assert re.search(r"warning\s+app/collect\.py:1:\d+\s+mutable-default", warned.stdout)
    assert "passed: 1 warning" in warned.stdout
    target.commit("Collect")
    target.write("app/services.py", "def greet(who: str) -> str:\n    return who\n")
    target.add()
    clean = run(target, hook_repo, "agent-guard", "--hook-stage", "pre-commit")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
    assert _own_lines(clean.stdout) == [], clean.stdout


def test_all_files_honours_the_baseline(target: GitRepo, hook_repo: tuple[Path, Path]) -> None:
    target.write("app/handlers.py", BLOCKING)
    target.git("add", "-A")
    target.git("commit", "-q", "--no-verify", "-m", "Legacy code")
    assert target.cli("baseline").returncode == 0
    target.commit("Record the baseline")
    result = run(target, hook_repo, "agent-guard", "--all-files", "--hook-stage", "pre-commit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _own_lines(result.stdout) == [], result.stdout
