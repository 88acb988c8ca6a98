"""The per-blob cache: reused across runs, safe under concurrency, never a reason to fail."""

from __future__ import annotations

from pathlib import Path

from agent_guard.changes.git import CommitTreeReader, open_repository
from agent_guard.checks.importgraph import ImportGraph, ModuleIndex, import_store
from agent_guard.engine.results import FOLDER
from tests.architecture.support import located, make_policy, run
from tests.conftest import GitRepo

KEY = "0123456789abcdef0123456789abcdef01234567"


def big_package(repo: GitRepo, modules: int = 30) -> None:
    repo.write("pkg/__init__.py", "")
    for number in range(modules):
        following = f"from pkg import m{number + 1}\n" if number + 1 < modules else "X = 1\n"
        repo.write(f"pkg/m{number}.py", following)
    repo.commit("a chain of modules")


def test_second_run_parses_nothing_it_parsed_before(repo: GitRepo, tmp_path: Path) -> None:
    big_package(repo)
    repo.write("pkg/m29.py", "import pkg.m0\n")
    repo.commit("close the chain into a cycle")
    cache_dir = tmp_path / "git-cache"
    repository = open_repository(repo.path)
    parsed = []
    for _ in range(2):
        with repository.objects() as objects:
            tree = CommitTreeReader(repository.git, objects, "HEAD")
            graph = ImportGraph(tree, ModuleIndex(tree.paths()), import_store(cache_dir))
            assert len(graph.edges("pkg/m0.py")) == 1
            for number in range(30):
                graph.edges(f"pkg/m{number}.py")
            parsed.append(graph.parsed)
            assert graph.cache.hits == (0 if len(parsed) == 1 else 30)
            graph.flush()
    assert parsed == [30, 0]
    assert len(list((cache_dir / FOLDER).iterdir())) == 1  # one pack, not a file per blob


def test_findings_are_the_same_cold_warm_and_with_a_corrupted_cache(
    repo: GitRepo, tmp_path: Path
) -> None:
    big_package(repo)
    repo.write("pkg/m29.py", "import pkg.m0\n")
    repo.commit("close the chain into a cycle")
    policy = make_policy(("import-cycle",))
    cache_dir = tmp_path / "git-cache"
    cold = run(repo, policy, cache_dir=cache_dir)
    warm = run(repo, policy, cache_dir=cache_dir)
    assert any((cache_dir / FOLDER).iterdir())
    for file in (cache_dir / FOLDER).rglob("*"):
        if file.is_file():
            file.write_bytes(file.read_bytes()[:-2] + b"]]")
    damaged = run(repo, policy, cache_dir=cache_dir)
    assert located(cold, "import-cycle") == [("pkg/m29.py", 1)]
    assert cold == warm == damaged
    assert "31 modules" not in cold[0].message and "30 modules" in cold[0].message
