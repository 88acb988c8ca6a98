"""The per-blob cache: reused across runs, safe under concurrency, never a reason to fail."""

from __future__ import annotations

import os
import stat
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from agent_guard.cache import BlobCache
from agent_guard.changes.git import CommitTreeReader, open_repository
from agent_guard.checks.importgraph import CACHE_NAMESPACE, ImportGraph, ModuleIndex
from tests.architecture.support import located, make_policy, run
from tests.conftest import GitRepo

KEY = "0123456789abcdef0123456789abcdef01234567"


def test_round_trip_and_namespaces(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path)
    cache.put("one-v1", KEY, b"payload")
    cache.put_json("two-v1", KEY, [1, "x", None])
    assert cache.get("one-v1", KEY) == b"payload"
    assert cache.get_json("two-v1", KEY) == [1, "x", None]
    assert cache.get("two-v1", KEY) != b"payload"
    assert cache.get("one-v2", KEY) is None
    assert (tmp_path / "one-v1" / KEY[:2] / KEY[2:]).is_file()


def test_no_root_caches_nothing() -> None:
    cache = BlobCache(None)
    cache.put("ns", KEY, b"x")
    assert cache.get("ns", KEY) is None


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b", "", "ab"])
def test_unsafe_keys_are_refused(tmp_path: Path, key: str) -> None:
    cache = BlobCache(tmp_path / "cache")
    cache.put("ns", key, b"x")
    assert cache.get("ns", key) is None
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-3],  # truncated
        lambda data: data[:-1] + b"X",  # a flipped byte
        lambda data: b"some other tool's file\n",  # foreign
        lambda data: b"",  # empty
        lambda data: b"\xff\xfe" * 40,  # binary garbage, no header
    ],
)
def test_corrupt_or_foreign_files_are_ignored_then_rebuilt(tmp_path: Path, damage: object) -> None:
    cache = BlobCache(tmp_path)
    cache.put("ns", KEY, b'{"ok":1}')
    file = tmp_path / "ns" / KEY[:2] / KEY[2:]
    file.write_bytes(damage(file.read_bytes()))  # type: ignore[operator]
    assert cache.get("ns", KEY) is None
    cache.put("ns", KEY, b'{"ok":2}')
    assert cache.get_json("ns", KEY) == {"ok": 2}


def test_valid_header_with_undecodable_json_is_a_miss(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path)
    cache.put("ns", KEY, b"{not json")
    assert cache.get_json("ns", KEY) is None


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permissions")
def test_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    root.mkdir()
    root.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        cache = BlobCache(root)
        cache.put("ns", KEY, b"x")
        assert cache.get("ns", KEY) is None
    finally:
        root.chmod(stat.S_IRWXU)


def test_a_cache_path_that_is_a_file_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    cache = BlobCache(blocker)
    cache.put("ns", KEY, b"x")  # NotADirectoryError: logged, not raised
    cache.put("ns", KEY, b"x")  # and not tried again
    assert cache.get("ns", KEY) is None


def _hammer(args: tuple[str, int]) -> int:
    root, worker = args
    cache = BlobCache(Path(root))
    bad = 0
    for round_ in range(200):
        payload = (b"%d-%d " % (worker, round_)) * 500
        cache.put("ns", KEY, payload)
        value = cache.get("ns", KEY)
        if value is not None and len(set(value.split(b" ")[:-1])) != 1:
            bad += 1  # a mixture of two writers' bytes
    return bad


def test_concurrent_writers_never_produce_a_torn_file(tmp_path: Path) -> None:
    with ProcessPoolExecutor(max_workers=4) as pool:
        bad = sum(pool.map(_hammer, [(str(tmp_path), worker) for worker in range(4)]))
    assert bad == 0
    assert BlobCache(tmp_path).get("ns", KEY) is not None
    leftovers = [p.name for p in (tmp_path / "ns" / KEY[:2]).iterdir() if p.name != KEY[2:]]
    assert leftovers == []


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
            graph = ImportGraph(tree, ModuleIndex(tree.paths()), BlobCache(cache_dir))
            assert len(graph.edges("pkg/m0.py")) == 1
            for number in range(30):
                graph.edges(f"pkg/m{number}.py")
            parsed.append(graph.parsed)
            assert graph.cache.hits == (0 if len(parsed) == 1 else 30)
    assert parsed == [30, 0]
    assert (cache_dir / CACHE_NAMESPACE).is_dir()


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
    for file in (cache_dir / CACHE_NAMESPACE).rglob("*"):
        if file.is_file():
            file.write_bytes(file.read_bytes()[:-2] + b"]]")
    damaged = run(repo, policy, cache_dir=cache_dir)
    assert located(cold, "import-cycle") == [("pkg/m29.py", 1)]
    assert cold == warm == damaged
    assert "31 modules" not in cold[0].message and "30 modules" in cold[0].message
