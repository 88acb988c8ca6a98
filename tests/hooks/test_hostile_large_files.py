"""Issue 13, point 9: files over the 8 MiB read limit are still judged.

Secrets in them are scanned (streamed in segments, memory bounded); a Python file too large
for the code checks is an escalation ("too large to check: needs an approver"). Real pushes
into a bare repository with the pre-receive hook, and `agent-guard diff` in process for the
memory bound.
"""

from __future__ import annotations

import json
import tracemalloc

from tests.conftest import SEED_RULE_FILE, GitRepo
from tests.hooks.conftest import APPROVER_ENV, push
from tests.secrets import fakes

Servers = tuple[GitRepo, GitRepo]
FILLER = b"row,value,comment\n" + b"1234,5678,nothing to see here at all\n" * 260_000  # ~9.6 MB


def _head(server: GitRepo) -> str:
    return server.git("rev-parse", "refs/heads/main").strip()


def test_a_secret_deep_in_a_large_file_is_refused(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = _head(server)
    token = fakes.github_token()
    assert len(FILLER) > 8 * 2**20
    clone.write("data/export.csv", FILLER + f"9,9,GITHUB_TOKEN={token}\n".encode() + FILLER)
    clone.commit("Add the export")
    result = push(clone, "main")
    assert not result.accepted, result
    assert "data/export.csv:260002:" in result.output and "GitHub token" in result.output
    assert token not in result.output
    assert _head(server) == before


def test_a_large_clean_file_passes(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    clone.write("data/export.csv", FILLER)
    sha = clone.commit("Add the export")
    result = push(clone, "main")
    assert result.accepted, result
    assert _head(server) == sha


def test_a_python_file_too_large_to_check_needs_an_approver(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = _head(server)
    clone.write("app/generated.py", b"x = 1\n" * 1_500_000 + b"print(x)\n")  # 9 MB
    sha = clone.commit("Add generated code")
    result = push(clone, "main")
    assert not result.accepted, result
    assert "too large to check: needs an approver" in result.output
    assert "blocked: 1 escalation" in result.output
    assert _head(server) == before

    result = push(clone, "main", env=APPROVER_ENV)
    assert result.accepted, result
    assert _head(server) == sha


def test_a_large_file_is_scanned_in_a_bounded_part_of_memory(repo: GitRepo) -> None:
    """The content unit's own memory for a blob over the reader's limit (set to 1 MiB here,
    to keep the test fast under tracemalloc): a constant times the segment size."""
    from agent_guard.changes.git import open_repository
    from agent_guard.changes.model import ChangedFile, ChangeSet, Status
    from agent_guard.checks import secret
    from agent_guard.checks.base import Context
    from agent_guard.engine import content_unit
    from agent_guard.pipeline import load

    repo.write(".cursor/rules/agent.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    token = fakes.stripe_key()
    big = FILLER + f"STRIPE_KEY={token}\n".encode()
    repo.write("data/big.env", big)
    repo.commit("data")
    oid = repo.git("rev-parse", "HEAD:data/big.env").strip()
    git_repo = open_repository(repo.path)
    with git_repo.objects(max_blob_size=1 << 20) as objects:
        policy = load(git_repo, objects=objects)
        settings = policy.checks["secret"]
        context = Context(settings, policy, ChangeSet("range", ()), objects)
        file = ChangedFile("data/big.env", Status.MODIFIED, new_oid=oid)
        key = ("secret", oid, "data/big.env", None)
        secret.scan_text("warm.env", "KEY=x\n", None, secret.ScanConfig())  # imports, regexes
        tracemalloc.start()
        try:
            checked = content_unit._check_large(oid, [(key, file)], context)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert [(f.path, f.line) for f in checked[key]] == [("data/big.env", big.count(b"\n"))]
    assert peak < min(20 * content_unit.SEGMENT, len(big) / 2), (
        f"peak {peak / 2**20:.1f} MiB for a {len(big) / 2**20:.0f} MiB blob"
    )


def test_diff_finds_a_secret_at_the_end_of_a_large_file(repo: GitRepo) -> None:
    repo.write(".cursor/rules/agent.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    base = repo.commit("rules")
    token = fakes.stripe_key()
    big = FILLER + f"STRIPE_KEY={token}\n".encode()
    repo.write("data/big.csv", big)
    repo.commit("data")
    result = repo.cli("diff", f"{base}..HEAD", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["line"]) for f in findings] == [("data/big.csv", big.count(b"\n"))]
    assert token not in result.stdout
