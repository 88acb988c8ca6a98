"""Every report format on real findings: the JSON contract, SARIF schema, GitHub escaping."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from agent_guard.model import Finding, Rule, Severity
from agent_guard.report import render
from agent_guard.report.escape import escape
from agent_guard.report.github import escape_data, escape_property
from agent_guard.verdict import Approvals, decide
from tests.conftest import GitRepo

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())  # final
# (OASIS Standard, errata 01): where it comes from is in test_ci_outputs.py
RULE = Rule(
    ".cursor/rules/backend.mdc",
    19,
    "authority_boundaries/database_models",
    "You must always escalate before modifying models.py or schemas.py.",
    Severity.ESCALATE,
    ("protected-file",),
)


def _findings() -> list[Finding]:
    return [
        Finding(
            "protected-file",
            "AG001",
            Severity.ESCALATE,
            "app/models.py",
            12,
            1,
            "this change modifies app/models.py",
            "ask an approver",
            rule=RULE,
            commit="a" * 40,
            source="    is_admin = True",
        ),
        Finding(
            "protected-file",
            "AG001",
            Severity.ESCALATE,
            "app/schemas.py",
            3,
            1,
            "this change modifies app/schemas.py",
            "ask an approver",
            rule=RULE,
            commit="b" * 40,
        ),
        Finding(
            "print-call",
            "AG102",
            Severity.ERROR,
            "we ird\n\x1b[31mname,x:y%.py",
            4,
            5,
            "print() in production code",
            "use logging",
        ),
        Finding(
            "mutable-default",
            "AG101",
            Severity.WARNING,
            "caf\udce9.py",
            7,
            9,
            "a mutable default",
            "use None",
        ),
    ]


def _render(fmt: str, color: bool = False, approvals: Approvals | None = None) -> str:
    verdict = decide(
        _findings(),
        approvals or Approvals({"b" * 40: "lead@example.com"}),
        approvers=("lead@example.com",),
    )
    out = io.StringIO()
    render(verdict, fmt, out, color)
    return out.getvalue()


def test_json_contract() -> None:
    document = json.loads(_render("json"))
    assert document["verdict"] == "blocked"
    first = document["findings"][0]
    assert {
        "check",
        "code",
        "severity",
        "path",
        "line",
        "column",
        "commit",
        "message",
        "fix",
        "approved",
        "rule",
    } <= set(first)
    assert first == first | {
        "check": "protected-file",
        "code": "AG001",
        "severity": "escalate",
        "path": "app/models.py",
        "line": 12,
        "column": 1,
        "commit": "a" * 40,
        "approved": False,
    }
    assert first["rule"] | {} == first["rule"] | {
        "file": ".cursor/rules/backend.mdc",
        "line": 19,
        "text": RULE.text,
    }
    approved = document["findings"][1]
    assert approved["approved"] is True and approved["approved_by"] == "lead@example.com"
    assert document["findings"][3]["path"] == "caf\\xe9.py"
    assert document["summary"] == "blocked: 1 escalation, 1 error, 1 warning, 1 approved"


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    document = json.loads(_render("sarif"))
    jsonschema.validate(document, SCHEMA)
    results = document["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["AG001", "AG001", "AG102", "AG101"]
    assert [r["level"] for r in results] == ["error", "error", "error", "warning"]
    assert results[1]["suppressions"][0]["status"] == "accepted"
    uri = results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "we%20ird%0A%1B%5B31mname%2Cx%3Ay%25.py"
    assert results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "caf%E9.py"
    )
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[results[2]["ruleIndex"]]["id"] == "AG102"


def test_sarif_schema_rejects_a_broken_log() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"results": []}]}, SCHEMA)


def test_github_annotations_are_escaped() -> None:
    lines = _render("github").splitlines()
    assert len(lines) == 5  # one per finding, each on one line, and the summary
    assert lines[0].startswith(
        "::error file=app/models.py,line=12,col=1,title=AG001 protected-file::[escalate] "
    )
    assert lines[1].startswith("::notice ")  # approved
    assert "file=we ird\\n\\x1b[31mname%2Cx%3Ay%25.py," in lines[2]
    assert lines[3].startswith("::warning file=caf\\xe9.py,line=7,col=9,")
    assert "%0ARule (.cursor/rules/backend.mdc:19)" in lines[0]
    assert lines[-1] == "agent-guard blocked: 1 escalation, 1 error, 1 warning, 1 approved"
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_text_report_explains_each_finding() -> None:
    text = _render("text")
    assert "escalate   app/models.py:12:1  protected-file (AG001)  commit aaaaaaaaaaaa" in text
    assert "      12 |     is_admin = True" in text
    assert f'  rule  "{RULE.text}"' in text
    assert ".cursor/rules/backend.mdc:19 (authority_boundaries/database_models)" in text
    assert "approvers: lead@example.com" in text
    assert "Escalation-Approved-By: Name <email>" in text and "agent-guard approve" in text
    assert "approved by lead@example.com" in text
    assert "cannot be approved" in text  # the error
    assert "we ird\\n\\x1b[31mname,x:y%.py:4:5" in text  # escaped, never raw
    assert "\x1b" not in text  # no colour when not asked
    assert "caf\\xe9.py:7:9" in text
    assert text.rstrip().endswith("blocked: 1 escalation, 1 error, 1 warning, 1 approved")


def test_text_colour_only_when_asked_and_no_color_respected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "\x1b[1;35m" in _render("text", color=True)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    verdict = decide(_findings())
    terminal = Terminal()
    render(verdict, "text", terminal, None)
    assert "\x1b[" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Terminal()
    render(verdict, "text", plain, None)
    assert "\x1b[" not in plain.getvalue()


def test_escape_leaves_ordinary_text_alone() -> None:
    assert escape("app/ünï code.py") == "app/ünï code.py"
    assert escape("a\u202eb") == "a\\u202eb"  # bidi override
    assert escape("tab\there") == "tab\\there"


def test_diff_command_end_to_end(repo: GitRepo) -> None:
    repo.write(
        ".cursor/rules/backend.mdc", (Path(__file__).parents[1] / "data/seed.mdc").read_text()
    )
    repo.write("app/models.py", "x = 1\n")
    repo.commit("base")
    repo.write("app/models.py", "x = 1\ny = 2\n")
    repo.add()
    result = repo.cli("diff", "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["verdict"] == "blocked"
    assert any(f["check"] == "protected-file" for f in document["findings"])
    repo.git("reset", "-q")
    repo.write("app/other.py", "z = 3\n")
    repo.git("add", "app/other.py")
    repo.git("commit", "-q", "-m", "unrelated")
    clean = repo.cli("diff", "HEAD")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.strip().endswith("passed: no findings")
    bad = repo.cli("diff", "nope..HEAD")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "agent-guard: unknown revision or not a commit: nope"
    both = repo.cli("diff", "--staged", "HEAD")
    assert both.returncode == 2 and "choose one" in both.stderr
    sarif = repo.cli("diff", "--format", "sarif", "--all-lines")
    jsonschema.validate(json.loads(sarif.stdout), SCHEMA)
