"""One suppression stage: an inline suppression with a reason works for every check that
reports a line, and suppressed findings stay visible in every output format."""

from __future__ import annotations

import json

from agent_guard.model import Severity
from agent_guard.pipeline import DiffRequest, diff
from tests.conftest import GitRepo
from tests.secrets import fakes

RULES = """# Rules for agents

- Never commit secrets or credentials.
- Prefer the standard library; a new third-party dependency needs a reason in the commit.
- Avoid circular imports.
- Never use print() for debugging.
"""


def _base(repo: GitRepo) -> str:
    repo.write("AGENTS.md", RULES)
    repo.write("app/__init__.py", "")
    repo.write("app/a.py", "VALUE = 1\n")
    repo.write("app/b.py", "from app import a\n")
    repo.write("requirements.txt", "click==8.1\n")
    return repo.commit("base")


def _suppressed_change(repo: GitRepo) -> None:
    token = fakes.github_token()
    repo.write(
        "requirements.txt",
        "click==8.1\nrequests==2.32  # agent-guard: ignore[new-dependency] approved in review\n",
    )
    repo.write(
        "app/a.py",
        "from app import b  # agent-guard: ignore[import-cycle] b is split out next week\n"
        "VALUE = 1\n",
    )
    repo.write(
        "app/keys.py",
        f'TEST_TOKEN = "{token}"  # agent-guard: ignore[secret] revoked token for the tests\n'
        f'OTHER = "{fakes.github_token()}"  # agent-guard: allow-secret revoked as well\n'
        "# pragma: allowlist nextline secret\n"
        f'THIRD = "{fakes.github_token()}"\n',
    )


def test_ignore_suppresses_new_dependency_import_cycle_and_secret(repo: GitRepo) -> None:
    base = _base(repo)
    _suppressed_change(repo)
    repo.commit("dependencies, a cycle and test tokens")
    verdict = diff(DiffRequest(target=f"{base}..HEAD"), cwd=repo.path)
    suppressed = sorted(
        (f.check, f.path, f.line, f.suppression.reason if f.suppression else "")
        for f in verdict.findings
    )
    assert suppressed == [
        ("import-cycle", "app/a.py", 1, "b is split out next week"),
        ("new-dependency", "requirements.txt", 2, "approved in review"),
        ("secret", "app/keys.py", 1, "revoked token for the tests"),
        ("secret", "app/keys.py", 2, "revoked as well"),
        ("secret", "app/keys.py", 4, ""),
        ("suppression-reason", "app/keys.py", 3, ""),  # the pragma gives no reason
    ]
    assert all(f.suppressed for f in verdict.findings if f.check != "suppression-reason")
    assert verdict.passed
    assert verdict.summary() == "passed: 1 warning, 5 suppressed"


def test_the_same_findings_without_suppressions_block(repo: GitRepo) -> None:
    base = _base(repo)
    repo.write("requirements.txt", "click==8.1\nrequests==2.32\n")
    repo.write("app/a.py", "from app import b\nVALUE = 1\n")
    repo.write("app/keys.py", f'TEST_TOKEN = "{fakes.github_token()}"\n')
    repo.commit("the same change, unsuppressed")
    verdict = diff(DiffRequest(target=f"{base}..HEAD"), cwd=repo.path)
    checks = sorted(f.check for f in verdict.findings if not f.suppressed)
    assert checks == ["import-cycle", "new-dependency", "secret"]
    assert verdict.blocked  # the secret is an error


def test_a_ruff_noqa_is_not_an_agent_guard_suppression(repo: GitRepo) -> None:
    """Agents write `noqa` to quiet ruff by habit: it must not quiet the guard (docs/checks.md)."""
    base = _base(repo)
    repo.write(
        "app/a.py",
        "VALUE = 1\nprint(VALUE)  # noqa: T201\nprint(VALUE)  # noqa\n"
        "print(VALUE)  # noqa: T201  # agent-guard: ignore[print-call] the module's output\n",
    )
    repo.commit("debug output")
    verdict = diff(DiffRequest(target=f"{base}..HEAD"), cwd=repo.path)
    printed = [(f.line, f.suppressed) for f in verdict.findings if f.check == "print-call"]
    assert printed == [(2, False), (3, False), (4, True)]
    assert verdict.blocked


def test_a_suppression_cannot_accept_an_escalation(repo: GitRepo) -> None:
    repo.write("AGENTS.md", RULES + "- You must escalate before modifying app/models.py.\n")
    repo.write("app/models.py", "class User: ...\n")
    base = repo.commit("base")
    repo.write(
        "app/models.py",
        "class User: ...\nclass Admin: ...  # agent-guard: ignore[protected-file] tiny change\n",
    )
    repo.commit("agent edits the models")
    verdict = diff(DiffRequest(target=f"{base}..HEAD"), cwd=repo.path)
    [escalation] = [f for f in verdict.findings if f.check == "protected-file"]
    assert escalation.severity is Severity.ESCALATE
    assert escalation.suppression is not None and not escalation.suppression.honoured
    assert verdict.blocked


def test_suppressed_findings_show_in_every_output_format(repo: GitRepo) -> None:
    base = _base(repo)
    _suppressed_change(repo)
    repo.commit("dependencies, a cycle and test tokens")
    spec = f"{base}..HEAD"

    text = repo.agent_guard("diff", spec)
    assert text.returncode == 0, text.stderr
    assert "5 suppressed" in text.stdout
    assert "b is split out next week" not in text.stdout  # listed only with -v
    verbose = repo.agent_guard("-v", "diff", spec)
    assert "suppressed inline:" in verbose.stdout
    assert "app/a.py:1:" in verbose.stdout and "b is split out next week" in verbose.stdout

    report = json.loads(repo.agent_guard("diff", spec, "--format", "json").stdout)
    assert report["suppressed"] == 5
    cycle = next(f for f in report["findings"] if f["check"] == "import-cycle")
    assert cycle["suppressed"] is True and cycle["blocks"] is False
    assert cycle["suppression"] == {"reason": "b is split out next week", "line": 1,
                                    "honoured": True}  # fmt: skip

    sarif = json.loads(repo.agent_guard("diff", spec, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    suppressions = [r["suppressions"][0] for r in results if "suppressions" in r]
    assert len(suppressions) == 5
    assert {s["kind"] for s in suppressions} == {"inSource"}
    assert {s["status"] for s in suppressions} == {"accepted"}
    assert "approved in review" in {s["justification"] for s in suppressions}

    github = repo.agent_guard("diff", spec, "--format", "github").stdout
    notices = [line for line in github.splitlines() if "Suppressed inline" in line]
    assert len(notices) == 5 and all(line.startswith("::notice ") for line in notices)
