"""The secret check's options as a user writes them in `.agent-guard.yaml`."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_guard.checks.secret import scan_blob
from agent_guard.errors import UsageError
from agent_guard.policy.load import load_policy
from tests.conftest import SEED_RULE_FILE
from tests.secrets import fakes


def _project(root: Path, config: str) -> Path:
    (root / ".cursor" / "rules").mkdir(parents=True)
    (root / ".cursor" / "rules" / "agent.mdc").write_text(SEED_RULE_FILE.read_text("utf-8"))
    (root / ".agent-guard.yaml").write_text(config)
    return root


def test_options_and_paths_from_the_config_reach_the_scan(tmp_path: Path) -> None:
    config = (
        "checks:\n"
        "  secret:\n"
        "    severity: escalate\n"
        "    exclude: ['tests/secrets/corpus.tsv']\n"
        "    min_length: 12\n"
        "    placeholders: [staging]\n"
    )
    policy = load_policy(_project(tmp_path, config))
    settings = policy.enabled("secret")
    assert settings is not None
    token = f'TOKEN = "{fakes.github_token()}"\n'.encode()
    [finding] = scan_blob("app.py", token, None, settings, None)
    assert finding.severity.value == "escalate"
    assert finding.rule is not None and "secrets" in finding.rule.text
    assert scan_blob("tests/secrets/corpus.tsv", token, None, settings, None) == []
    staging = b'token = "Acme-Staging-1234abcd"\n'  # agent-guard: allow-secret test input
    assert scan_blob("app.py", staging, None, settings, None) == []
    short = b'password = "Zq8!x2Lp4k9"\n'  # agent-guard: allow-secret 11 characters
    assert scan_blob("app.py", short, None, settings, None) == []


def test_an_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    config = "checks:\n  secret:\n    entropy: 4\n"
    with pytest.raises(UsageError):
        load_policy(_project(tmp_path, config))
