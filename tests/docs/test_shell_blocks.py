"""Every shell block of the README, docs/hosts/*.md and docs/ci.md runs, as written.

A block is a fenced ```sh, ```bash or ```console block (in a console block, the `$ ` lines
are the commands). Each document's blocks run in order, each in its own shell (`sh -e` for
sh, `bash -e -o pipefail` otherwise), in the reader's repository: a fresh copy of the
example project in a new git repository, `main` pushed to an `origin` (a bare repository
beside it) and one more commit on top, not pushed. The reader has a fresh git identity (an
approver of the example's policy, with an SSH signing key), HOME and TMPDIR in the test's
directory, no network (`GIT_ALLOW_PROTOCOL=file`, `PIP_NO_INDEX`), and PATH starting with
the directory of the interpreter running the tests (the checkout's .venv/bin under `make
test`), so `agent-guard` is the checkout's.

Markers, an HTML comment on the line right before the fence:

- `<!-- not-run: REASON -->`: the block cannot run here (the network, a GitLab server,
  systemd, the host's admin UI); the reason is required;
- `<!-- exit: N -->`: the block runs and must exit with N (a rejected push: 1).

Every other block must exit 0. A block that needs what an earlier block made does not get
it: blocks share the project directory, not shell variables.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

DOCS = (
    ROOT / "README.md",
    *sorted((ROOT / "docs" / "hosts").glob("*.md")),
    ROOT / "docs" / "ci.md",
)
SHELLS = {"sh": ("sh", "-e", "-c"), "bash": ("bash", "-e", "-o", "pipefail", "-c")}
FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")
MARKER = re.compile(r"^<!--\s*(not-run|exit):\s*(.*?)\s*-->\s*$")
# The README is followed by someone who has a rule file and no agent-guard config yet; the
# host pages by a team that has adopted it (the example's .agent-guard.yaml).
WITHOUT_CONFIG = {"README.md"}


@dataclass(frozen=True, slots=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    not_run: str | None  # the reason, when marked
    exit_code: int

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def script(self) -> str:
        if self.language != "console":
            return self.text
        return "".join(line[2:] + "\n" for line in self.text.splitlines() if line[:2] == "$ ")


def blocks(path: Path) -> list[Block]:
    """The shell blocks of a Markdown file, with their markers."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, language = opening.groups()
        end = index + 1
        while end < len(lines) and not lines[end].startswith(fence):
            end += 1
        if language in ("sh", "bash", "console"):
            marker = MARKER.match(lines[index - 1]) if index else None
            kind, value = marker.groups() if marker else (None, "")
            found.append(
                Block(
                    path,
                    index + 1,
                    language,
                    "\n".join(lines[index + 1 : end]) + "\n",
                    value if kind == "not-run" else None,
                    int(value) if kind == "exit" else 0,
                )
            )
        index = end + 1
    return found


def reader(tmp_path: Path, *, config: bool) -> tuple[Path, dict[str, str]]:
    """The reader's repository (the example project, one commit) and their environment."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (tmp_path / "tmp").mkdir()
    key = home / ".ssh" / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lead", "-f", str(key)], check=True
    )
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Lead\n\temail = lead@example.com\n"
        f"\tsigningkey = {key}.pub\n[gpg]\n\tformat = ssh\n",
        encoding="utf-8",
    )
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "agent-guard").exists(), f"no agent-guard script in {bin_dir}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "GL_", "GITHUB_", "GITEA_", "PIP_", "VIRTUAL_ENV"))
    }
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp_path / "tmp"),
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_ALLOW_PROTOCOL="file",  # offline: a block that fetches from a host fails
        PIP_NO_INDEX="1",
    )
    project = tmp_path / "project"
    shutil.copytree(
        EXAMPLES, project, ignore=shutil.ignore_patterns("demo.py", "__pycache__", "*.pyc")
    )
    if not config:
        (project / ".agent-guard.yaml").unlink()
    origin = tmp_path / "origin.git"
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "Start"],
        ["init", "-q", "--bare", "-b", "main", str(origin)],
        ["remote", "add", "origin", str(origin)],
        ["push", "-q", "-u", "origin", "main"],
    ):
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    (project / "CHANGES.txt").write_text("Work in progress.\n", encoding="utf-8")
    for args in (["add", "CHANGES.txt"], ["commit", "-q", "-m", "Note the work in progress"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    return project, env


def run_block(block: Block, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    shell = SHELLS["sh" if block.language == "sh" else "bash"]
    return subprocess.run(
        [*shell, block.script()],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize("path", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_unmarked_block_runs_as_written(path: Path, tmp_path: Path) -> None:
    cwd, env = reader(tmp_path, config=path.name not in WITHOUT_CONFIG)
    ran = []
    for block in blocks(path):
        if block.not_run is not None:
            continue
        result = run_block(block, cwd, env)
        assert result.returncode == block.exit_code, (
            f"{block.where}: exit code {result.returncode}, expected {block.exit_code}\n"
            f"--- block\n{block.text}--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
        )
        ran.append(block.where)
    runnable = [block.where for block in blocks(path) if block.not_run is None]
    assert ran == runnable


def test_every_document_has_shell_blocks_and_each_skip_gives_a_reason() -> None:
    for path in DOCS:
        found = blocks(path)
        assert found, f"{path}: no shell block found (did the fences change?)"
        for block in found:
            assert block.not_run is None or len(block.not_run) > 10, block.where


def test_the_markers_are_read() -> None:
    bare = blocks(ROOT / "docs" / "hosts" / "bare.md")
    assert any(block.not_run for block in bare)
    assert any(block.not_run is None for block in bare)
    assert any(block.exit_code == 1 for block in bare)
