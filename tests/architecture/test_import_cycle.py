"""import-cycle: only cycles the change closes, with every edge's file and line."""

from __future__ import annotations

from tests.architecture.support import located, make_policy, run
from tests.conftest import GitRepo

POLICY = make_policy(("import-cycle",))


def three_modules(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "from pkg import b\n")
    repo.write("pkg/b.py", "import json\nfrom . import c\n")
    repo.write("pkg/c.py", "import os\n")
    repo.commit("a -> b -> c")


def test_cycle_through_three_modules(repo: GitRepo) -> None:
    three_modules(repo)
    repo.write("pkg/c.py", "import os\nfrom .a import *\n")
    repo.commit("c -> a")
    findings = run(repo, POLICY)
    assert located(findings, "import-cycle") == [("pkg/c.py", 2)]
    assert findings[0].code == "AG204"
    assert dict(findings[0].extra)["cycle"] == (
        "pkg.c -> pkg.a (pkg/c.py:2) -> pkg.b (pkg/a.py:1) -> pkg.c (pkg/b.py:2)"
    )
    assert "3 modules" in findings[0].message


def test_function_level_and_type_checking_imports_make_no_cycle(repo: GitRepo) -> None:
    three_modules(repo)
    repo.write(
        "pkg/c.py",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.a import thing\n"
        "def late() -> None:\n"
        "    import pkg.a\n",
    )
    repo.commit("lazy imports")
    assert run(repo, POLICY) == []


def test_a_function_level_link_elsewhere_breaks_the_cycle(repo: GitRepo) -> None:
    three_modules(repo)
    repo.write("pkg/b.py", "def late() -> None:\n    from . import c\n")
    repo.commit("b imports c lazily")
    repo.write("pkg/c.py", "import pkg.a\n")
    repo.commit("c -> a")
    assert run(repo, POLICY) == []


def test_existing_untouched_cycle_is_not_reported(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "from pkg import b\n")
    repo.write("pkg/b.py", "from pkg import a\n")
    repo.write("pkg/c.py", "X = 1\n")
    repo.commit("an old cycle a <-> b")
    repo.write("pkg/a.py", "from pkg import b\nfrom pkg import c\nY = 2\n")
    repo.write("pkg/b.py", "from pkg import a\nZ = 3\n")
    repo.commit("unrelated edits in the cycle's modules")
    assert run(repo, POLICY) == []


def test_a_second_import_of_an_existing_edge_is_not_a_new_cycle(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "from pkg import b\n")
    repo.write("pkg/b.py", "from pkg import a\n")
    repo.commit("an old cycle a <-> b")
    repo.write("pkg/a.py", "from pkg import b\nfrom pkg.b import thing\n")
    repo.commit("another import of b")
    assert run(repo, POLICY) == []


def test_a_cycle_closed_by_two_added_edges_is_reported_once(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "X = 1\n")
    repo.write("pkg/b.py", "Y = 1\n")
    repo.commit("base")
    repo.write("pkg/a.py", "from pkg import b\n")
    repo.write("pkg/b.py", "from pkg import a\n")
    repo.commit("both directions")
    assert located(run(repo, POLICY), "import-cycle") == [("pkg/a.py", 1)]


def test_cycle_in_a_src_layout_with_relative_imports(repo: GitRepo) -> None:
    repo.write("src/lib/__init__.py", "from .core import run\n")
    repo.write("src/lib/core.py", "X = 1\n")
    repo.commit("base")
    repo.write("src/lib/core.py", "from . import settings\n")
    repo.commit("core imports its package")
    findings = run(repo, POLICY)
    assert located(findings, "import-cycle") == [("src/lib/core.py", 1)]
    assert "lib.core (src/lib/__init__.py:1)" in dict(findings[0].extra)["cycle"]


def test_unparsable_modules_are_skipped(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "def broken(:\n")
    repo.commit("base")
    repo.write("pkg/b.py", "from pkg import a\n")
    repo.commit("import a broken module")
    assert run(repo, POLICY) == []


def _brute_reaching(edges: dict[str, set[str]], home: str) -> set[str]:
    """The definition `reaching` must meet: reachable from `home`, and reaching it back."""

    def reach(start: str, step: dict[str, set[str]]) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for target in step.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    backwards: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            backwards.setdefault(target, set()).add(source)
    return reach(home, edges) & reach(home, backwards)


def test_reaching_is_each_files_strongly_connected_component(repo: GitRepo) -> None:
    """On random import graphs (imports at module level, under TYPE_CHECKING and inside
    functions), asked for every file in turn on one graph, as a push's changed files are."""
    import random

    from agent_guard.changes.git import CommitTreeReader, open_repository
    from agent_guard.checks.import_cycle import _runs_at_import
    from agent_guard.checks.importgraph import ImportGraph, ModuleIndex, reaching

    rng = random.Random(1302)
    repo.write("pkg/__init__.py", "")
    for round_ in range(4):
        names = [f"m{n}" for n in range(30)]
        edges: dict[str, set[str]] = {}
        for name in names:
            lines, runs = [], set()
            for target in rng.sample(names, rng.randint(round_, 2 + round_)):
                kind = rng.choice(("module", "module", "typing", "function"))
                if kind == "module":
                    lines.append(f"from pkg import {target}")
                    runs.add(f"pkg/{target}.py")
                elif kind == "typing":
                    lines.append(f"if TYPE_CHECKING:\n    import pkg.{target}")
                else:
                    lines.append(f"def late():\n    import pkg.{target}")
            runs.discard(f"pkg/{name}.py")
            edges[f"pkg/{name}.py"] = runs
            repo.write(f"pkg/{name}.py", "from typing import TYPE_CHECKING\n" + "\n".join(lines))
        repo.commit(f"random graph {round_}")
        repository = open_repository(repo.path)
        with repository.objects() as objects:
            tree = CommitTreeReader(repository.git, objects, "HEAD")
            graph = ImportGraph(tree, ModuleIndex(tree.paths()))
            order = sorted(edges)
            rng.shuffle(order)
            for home in order:
                assert reaching(graph, home, _runs_at_import) == _brute_reaching(edges, home)
