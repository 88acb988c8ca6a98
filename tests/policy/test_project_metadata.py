"""Project metadata (issue 15): requires-python and console scripts read from the checked tree.

The packaging a project already has feeds the options nobody configured: new-dependency's
and syntax-error's `requires_python`, print-call's `entry_points`. Explicit config wins, and
a commit is judged by its own tree, never by the work tree.
"""

from __future__ import annotations

import sys

import pytest

from agent_guard.changes.git import CommitTreeReader, open_repository
from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings, Policy
from agent_guard.policy.project import (
    NOTHING,
    ProjectMetadata,
    describe,
    read_project,
    with_project,
)
from tests.conftest import GitRepo
from tests.engine.helpers import judge


def policy(options: dict[str, dict[str, object]] | None = None) -> Policy:
    checks = {
        slug: CheckSettings(slug, Severity.WARNING, options=(options or {}).get(slug, {}))
        for slug in ("new-dependency", "print-call", "syntax-error")
    }
    return Policy(checks=checks)


def findings(
    repo: GitRepo, target: str = "HEAD^..HEAD", **kwargs: object
) -> list[tuple[str, str, int]]:
    verdict = judge(repo, target, policy=policy(**kwargs))  # type: ignore[arg-type]
    return sorted((f.check, f.path, f.line) for f in verdict.findings)


PYPROJECT = """\
[project]
name = "shop"
requires-python = "{requires}"

[project.scripts]
shop-admin = "shop.admin:main"
"""


def base(repo: GitRepo, requires: str = ">=3.13") -> None:
    repo.write("pyproject.toml", PYPROJECT.format(requires=requires))
    repo.write("shop/__init__.py", "")
    repo.write("shop/admin.py", "def main() -> None:\n    pass\n")
    repo.commit("base")


def test_requires_python_decides_what_the_standard_library_is(repo: GitRepo) -> None:
    base(repo, ">=3.13")
    repo.write("shop/net.py", "import telnetlib\n")
    repo.commit("a telnet client")
    assert findings(repo) == [("new-dependency", "shop/net.py", 1)]


def test_an_older_requires_python_keeps_removed_modules_stdlib(repo: GitRepo) -> None:
    base(repo, ">=3.10")
    repo.write("shop/net.py", "import telnetlib\n")
    repo.commit("a telnet client")
    assert findings(repo) == []


def test_explicit_config_wins_over_the_project(repo: GitRepo) -> None:
    base(repo, ">=3.13")
    repo.write("shop/net.py", "import telnetlib\n")
    repo.commit("a telnet client")
    configured = {"new-dependency": {"requires_python": ">=3.9"}}
    assert findings(repo, options=configured) == []


def test_a_commit_is_judged_by_its_own_tree_not_the_work_tree(repo: GitRepo) -> None:
    base(repo, ">=3.13")
    repo.write("shop/net.py", "import telnetlib\n")
    repo.commit("a telnet client")
    repo.write("pyproject.toml", PYPROJECT.format(requires=">=3.8"))  # not committed
    assert findings(repo) == [("new-dependency", "shop/net.py", 1)]


def test_console_scripts_may_print(repo: GitRepo) -> None:
    base(repo)
    repo.write("shop/admin.py", 'def main() -> None:\n    print("done")\n')
    repo.write("shop/orders.py", 'def total() -> None:\n    print("debug")\n')
    repo.commit("output")
    assert findings(repo) == [("print-call", "shop/orders.py", 2)]


@pytest.mark.skipif(
    sys.version_info >= (3, 14), reason="depends on the running Python: 3.14 parses it natively"
)
def test_requires_python_feeds_the_syntax_check(repo: GitRepo) -> None:
    base(repo, ">=3.10")
    repo.write(
        "shop/types.py",
        "def to_int(text: str) -> int:\n    try:\n        return int(text)\n"
        "    except ValueError, TypeError:\n        return 0\n",
    )
    repo.commit("generic helper")
    verdict = judge(repo, "HEAD^..HEAD", policy=policy())
    [finding] = verdict.findings
    assert finding.check == "syntax-error"
    assert "requires-python `>=3.10`" in finding.message
    assert finding.severity is Severity.WARNING  # broken for 3.10, not merely newer


def read(repo: GitRepo) -> ProjectMetadata:
    repository = open_repository(repo.path)
    with repository.objects() as objects:
        tree = repo.git("rev-parse", "HEAD^{tree}").strip()
        return read_project(CommitTreeReader(repository.git, objects, tree))


def test_setup_cfg_poetry_and_nested_projects(repo: GitRepo) -> None:
    repo.write("setup.cfg", "[options]\npython_requires = >=3.9\n")
    repo.commit("setup.cfg")
    metadata = read(repo)
    assert metadata.requires_python == ">=3.9"
    assert metadata.requires_python_from == "setup.cfg [options] python_requires"
    repo.git("rm", "-q", "setup.cfg")
    repo.write(
        "backend/pyproject.toml",
        '[tool.poetry.dependencies]\npython = "^3.10"\n\n'
        '[tool.poetry.scripts]\nseed = "app.seed:run"\n',
    )
    repo.commit("a poetry backend")
    metadata = read(repo)
    assert metadata.requires_python == ">=3.10"
    assert metadata.entry_points == ("app.seed:run",)
    assert "backend/pyproject.toml [tool.poetry.scripts]" in metadata.entry_points_from


def test_nothing_stated_changes_nothing(repo: GitRepo) -> None:
    repo.write("README.md", "x\n")
    repo.commit("no packaging")
    assert read(repo) == NOTHING
    plain = policy()
    assert with_project(plain, NOTHING) is plain


def test_describe_says_where_each_value_came_from(repo: GitRepo) -> None:
    base(repo, ">=3.11")
    metadata = read(repo)
    configured = policy({"syntax-error": {"requires_python": ">=3.12"}})
    assert describe("syntax-error", configured, metadata) == [
        "- `requires_python` = '>=3.12' (from the config)"
    ]
    assert describe("new-dependency", configured, metadata) == [
        "- `requires_python` = '>=3.11' (from pyproject.toml [project] requires-python)"
    ]
    assert describe("print-call", None, metadata) == [
        "- `entry_points` = ['shop.admin:main'] (from pyproject.toml [project.scripts])"
    ]
