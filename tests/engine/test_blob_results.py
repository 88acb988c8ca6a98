"""Per-blob results across runs (results.py) and the parallel walk of a push's files.

Both are speed-ups only: a run with them must report exactly what a run without them does,
and a broken cache must only make the run cold, never wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_guard.engine import workers
from agent_guard.engine.results import FOLDER, ResultStore, verify_pack
from tests.conftest import SEED_RULE_FILE, GitRepo
from tests.damage import DAMAGES, damage_store

HANDLER = """\
def handler_{n}(items=[]):
    print(items)
    try:
        return items
    except Exception:
        return None
"""


def _history(repo: GitRepo, files: int) -> tuple[str, str]:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    repo.write("app/__init__.py", "")
    base = repo.commit("policy")
    for n in range(files):
        repo.write(f"app/module_{n}.py", HANDLER.format(n=n))
    repo.write("config/settings.py", 'API_TOKEN = "ghp_' + "a1B2c3D4e5F6g7H8i9J0" * 2 + '"\n')
    tip = repo.commit("many modules")
    return base, tip


def _diff(repo: GitRepo, spec: str) -> list[tuple[str, int, str]]:
    result = repo.cli("diff", spec, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    return sorted((f["path"], f["line"], f["check"]) for f in report["findings"])


def _results_dir(repo: GitRepo) -> Path:
    return repo.path / ".git" / "agent-guard" / FOLDER


def test_a_warm_run_reports_what_the_cold_run_did(repo: GitRepo) -> None:
    base, tip = _history(repo, 6)
    cold = _diff(repo, f"{base}..{tip}")
    packs = list(_results_dir(repo).glob("pack-*.pack"))
    assert len(packs) == 1 and verify_pack(packs[0])
    assert {check for _, _, check in cold} >= {"print-call", "mutable-default", "secret"}
    assert _diff(repo, f"{base}..{tip}") == cold
    assert len(list(_results_dir(repo).glob("pack-*.pack"))) == 1  # all hits: nothing new


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_store_only_makes_the_run_cold(repo: GitRepo, damage: str) -> None:
    base, tip = _history(repo, 3)
    cold = _diff(repo, f"{base}..{tip}")
    damage_store(_results_dir(repo), damage)
    assert _diff(repo, f"{base}..{tip}") == cold


def test_the_store_is_keyed_by_policy_and_lines(tmp_path: Path) -> None:
    store = ResultStore(tmp_path, "policy-a")
    store.put_secrets("a" * 40, "x.py", frozenset({1, 2}), ())
    store.flush()
    again = ResultStore(tmp_path, "policy-a")
    assert again.get_secrets("a" * 40, "x.py", frozenset({1, 2})) == ()
    assert again.get_secrets("a" * 40, "x.py", frozenset({1})) is None
    assert again.get_secrets("a" * 40, "y.py", frozenset({1, 2})) is None
    assert (
        ResultStore(tmp_path, "policy-b").get_secrets("a" * 40, "x.py", frozenset({1, 2})) is None
    )
    assert not ResultStore(None, "policy-a").enabled
    assert not ResultStore(tmp_path, "").enabled  # a policy built in code: no fingerprint


def test_small_packs_are_merged(tmp_path: Path) -> None:
    for n in range(20):
        store = ResultStore(tmp_path, "p")
        store.put_secrets(f"{n:040x}", "x.py", None, ())
        store.flush()
    packs = list((tmp_path / FOLDER).glob("pack-*.pack"))
    assert len(packs) <= 16 and all(verify_pack(pack) for pack in packs)
    reader = ResultStore(tmp_path, "p")
    assert all(reader.get_secrets(f"{n:040x}", "x.py", None) == () for n in range(20))


def test_the_parallel_walk_finds_what_one_process_finds(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The workers read the blobs they walk through their own cat-file; one that cannot
    leaves its share to the parent, which walks it the same."""
    from agent_guard.changes.git import BatchObjectReader, Git
    from agent_guard.pipeline import DiffRequest, diff

    base, tip = _history(repo, workers.PARALLEL_FROM + 2)

    def findings() -> list[tuple[str, int, str, str | None]]:
        verdict = diff(DiffRequest(target=f"{base}..{tip}"), repo.path)
        return sorted((f.path, f.line, f.check, f.source) for f in verdict.findings)

    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    one = findings()
    for path in _results_dir(repo).glob("pack-*.pack"):
        path.unlink()
    monkeypatch.setattr(workers, "PARALLEL_FROM", 2)
    assert findings() == one
    assert len(one) > 50

    for path in _results_dir(repo).glob("pack-*.pack"):
        path.unlink()
    nowhere = tmp_path / "no-such-repository"
    monkeypatch.setattr(BatchObjectReader, "fresh", lambda self: BatchObjectReader(Git(nowhere)))
    assert findings() == one
