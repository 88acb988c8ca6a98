"""The hot path stays light: with a warm policy cache, `agent-guard diff --staged` and
`agent-guard hook pre-commit` must not import PyYAML, lxml or pathspec (nor GitPython,
which agent-guard no longer depends on: see the README's dependency notes).

Those cost about 110 ms of imports together — as much as the whole floor of a 20-file
commit check — and are needed only to compile a changed rule file or config. This is a
structural test, not a timing test: it reads `python -X importtime` of a real run in a
real repository, so it fails the day someone adds a module-level `import yaml` to the hot
path, whatever the machine's speed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import SEED_RULE_FILE, GitRepo

# Top-level modules that must not load on the hot path (gitdb/_yaml come with git/yaml).
HEAVY = frozenset({"yaml", "_yaml", "lxml", "git", "gitdb", "pathspec"})

APP_MODULE = '''\
"""A small module with a finding or two, so the checks have work to do."""


def handler(items=[]):
    print(items)
    return items
'''


def import_lines(importtime_stderr: str) -> list[tuple[int, str]]:
    """(depth, module) for each `import time: self | cumulative | name` line, in order.

    A module's line is printed when its import completes, after the lines of the modules
    it imported, which are indented two spaces deeper.
    """
    lines = []
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            field = line.rsplit("|", 1)[1]
            name = field.strip()
            if name and name != "imported package":
                lines.append(((len(field) - len(field.lstrip()) - 1) // 2, name))
    return lines


def imported_modules(importtime_stderr: str) -> set[str]:
    return {name for _, name in import_lines(importtime_stderr)}


def heavy_roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules} & HEAVY


def culprits(importtime_stderr: str) -> dict[str, str]:
    """Heavy module -> the innermost agent_guard module whose import pulled it in."""
    lines = import_lines(importtime_stderr)
    found: dict[str, str] = {}
    for index, (depth, name) in enumerate(lines):
        if name.split(".")[0] not in HEAVY or name in found:
            continue
        level = depth
        for parent_depth, parent in lines[index + 1 :]:
            if parent_depth < level:
                level = parent_depth
                if parent.startswith("agent_guard"):
                    found[name] = parent
                    break
        found.setdefault(name, "?")
    return found


def importtime(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "agent_guard", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def staged_repo(repo: GitRepo) -> GitRepo:
    """A repository with the seed rule file committed and a Python change staged."""
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    repo.write("app/__init__.py", "")
    repo.write("app/service.py", '"""Service."""\n')
    repo.commit("Initial commit")
    repo.write("app/service.py", APP_MODULE)
    repo.write("app/routes.py", "import logging\n\nlog = logging.getLogger(__name__)\n")
    repo.add()
    return repo


def assert_light(repo: GitRepo, *args: str) -> None:
    cold = importtime(repo, *args)  # compiles the policy and fills the cache
    assert cold.returncode in (0, 1), cold.stderr[-2000:]
    warm = importtime(repo, *args)
    assert warm.returncode in (0, 1), warm.stderr[-2000:]
    modules = imported_modules(warm.stderr)
    assert "agent_guard.cli" in modules, "the run did not go through agent-guard's CLI"
    heavy = heavy_roots(modules)
    who = ", ".join(f"{m} <- {a}" for m, a in sorted(culprits(warm.stderr).items()))
    assert not heavy, (
        f"`agent-guard {' '.join(args)}` imported {sorted(heavy)} with a warm policy cache "
        f"({who}); import them inside the functions that need them"
    )


def test_detector_sees_heavy_imports() -> None:
    """The parser is not vacuous: a process importing yaml and pathspec is caught."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import yaml, pathspec, json"],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = imported_modules(done.stderr)
    assert "json" in modules
    assert heavy_roots(modules) == {"yaml", "pathspec"}


def test_culprit_is_the_innermost_agent_guard_importer() -> None:
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:        10 |         10 |       yaml.error\n"
        "import time:        10 |         20 |     yaml\n"
        "import time:        10 |         30 |   agent_guard.policy.load\n"
        "import time:        10 |         40 | agent_guard.commands.diff\n"
        "import time:        10 |         10 | json\n"
    )
    assert import_lines(stderr)[:2] == [(3, "yaml.error"), (2, "yaml")]
    assert culprits(stderr) == {
        "yaml.error": "agent_guard.policy.load",
        "yaml": "agent_guard.policy.load",
    }


def test_diff_staged_imports_nothing_heavy(staged_repo: GitRepo) -> None:
    assert_light(staged_repo, "diff", "--staged")


def test_hook_pre_commit_imports_nothing_heavy(staged_repo: GitRepo) -> None:
    assert_light(staged_repo, "hook", "pre-commit")


@pytest.mark.parametrize("args", [("hook", "pre-commit"), ("diff", "--staged")])
def test_hot_commands_do_not_import_click(staged_repo: GitRepo, args: tuple[str, ...]) -> None:
    """git runs these on every commit: parsed without click (15-29 ms, see params.py).

    click still builds `--help` and the error report of a bad invocation (cli_group.py).
    """
    importtime(staged_repo, *args)  # fills the policy cache
    warm = importtime(staged_repo, *args)
    assert warm.returncode in (0, 1), warm.stderr[-2000:]
    modules = imported_modules(warm.stderr)
    assert "agent_guard.cli" in modules
    assert not {name for name in modules if name.split(".")[0] == "click"}
    helped = importtime(staged_repo, *args, "--help")
    assert helped.returncode == 0 and "click" in imported_modules(helped.stderr)


# The dataclasses a commit may create: types that cache or mutate, or are generic. Every
# other record on the hot path is a NamedTuple (docs/architecture.md, "A new record"):
# a frozen dataclass costs about 1.5 ms to create on Python 3.12, and 44 of them were a
# fifth of the commit hook's CPU.
HOT_DATACLASSES = frozenset(
    {
        "agent_guard.changes.diffparse._Combined",
        "agent_guard.changes.diffparse._Raw",
        "agent_guard.changes.git.Repository",
        "agent_guard.checks.options.Option",
        "agent_guard.engine.cache.RunCache",
        "agent_guard.globs.GlobSet",
    }
)

COUNT_DATACLASSES = """\
import dataclasses, sys
from agent_guard.cli import main
code = main(sys.argv[1:])
for name, module in sorted(sys.modules.items()):
    if name.startswith("agent_guard"):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name:
                if dataclasses.is_dataclass(value):
                    sys.stderr.write(f"dataclass: {name}.{value.__qualname__}\\n")
sys.stderr.write("counted\\n")
sys.exit(code)
"""


def hot_dataclasses(repo: GitRepo, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", COUNT_DATACLASSES, *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1) and "counted" in done.stderr, done.stderr[-2000:]
    marker = "dataclass: "
    return {line[len(marker) :] for line in done.stderr.splitlines() if line.startswith(marker)}


@pytest.mark.parametrize("args", [("hook", "pre-commit"), ("diff", "--staged")])
def test_hot_path_records_are_named_tuples(staged_repo: GitRepo, args: tuple[str, ...]) -> None:
    hot_dataclasses(staged_repo, *args)  # fills the policy cache
    created = hot_dataclasses(staged_repo, *args)
    assert "agent_guard.model.Finding" not in created
    assert created <= HOT_DATACLASSES, (
        f"`agent-guard {' '.join(args)}` creates dataclasses {sorted(created - HOT_DATACLASSES)}: "
        "make them NamedTuples (docs/architecture.md, 'A new record') or import them lazily"
    )
    assert created, "the run loaded no dataclass at all: the detector is not looking"
