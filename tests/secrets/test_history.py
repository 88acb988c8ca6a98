"""Secrets in real history: a secret removed by a later commit of the range is still blocked."""

from __future__ import annotations

import json

from agent_guard.model import Severity
from agent_guard.pipeline import DiffRequest, diff
from tests.conftest import SEED_RULE_FILE, GitRepo
from tests.secrets import fakes


def _with_rules(repo: GitRepo) -> str:
    repo.write(".cursor/rules/agent.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    repo.write("README.md", "demo\n")
    return repo.commit("add the rules")


def test_secret_added_then_removed_in_the_range_is_reported_on_its_commit(repo: GitRepo) -> None:
    base = _with_rules(repo)
    token = fakes.github_token()
    repo.write("deploy/release.sh", f"export GITHUB_TOKEN={token}\n./release\n")
    leaked = repo.commit("release script")
    repo.write("deploy/release.sh", 'export GITHUB_TOKEN="$RELEASE_TOKEN"\n./release\n')
    repo.commit("read the token from the environment")

    verdict = diff(DiffRequest(target=f"{base}..HEAD"), cwd=repo.path)

    secrets = [f for f in verdict.findings if f.check == "secret"]
    assert len(secrets) == 1
    [finding] = secrets
    assert (finding.path, finding.line, finding.commit) == ("deploy/release.sh", 1, leaked)
    assert finding.severity is Severity.ERROR
    assert finding.source == "export GITHUB_TOKEN=ghp_…"
    assert token not in repr(verdict)


def test_cli_report_masks_the_secret_and_blocks(repo: GitRepo) -> None:
    base = _with_rules(repo)
    secret = fakes.stripe_key()
    repo.write("pay/settings.py", f'STRIPE_KEY = "{secret}"\n')
    repo.write(".env", "DEBUG=1\n")
    added = repo.commit("payments")

    for fmt in ("text", "json", "sarif"):
        result = repo.cli("diff", f"{base}..HEAD", "--format", fmt)
        assert result.returncode == 1, result.stderr
        assert secret not in result.stdout and secret[8:] not in result.stdout
        shown = result.stdout
        if fmt != "text":  # JSON may escape the ellipsis as \u2026
            shown = json.dumps(json.loads(result.stdout), ensure_ascii=False)
        assert "sk_l…" in shown
        assert "`.env`" in shown  # a credentials file by its name
    assert added[:7] in repo.cli("diff", f"{base}..HEAD").stdout
