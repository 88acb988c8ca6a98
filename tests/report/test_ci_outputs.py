"""CI outputs as their consumers read them: SARIF through Microsoft's SARIF Multitool and the
final 2.1.0 schema, GitHub annotations and the Actions job summary, on real repositories.

The schema file beside this module is the final SARIF 2.1.0 schema (OASIS Standard with
Errata 01), vendored verbatim from the OASIS TC's repository oasis-tcs/sarif-spec,
`sarif-2.1/schema/sarif-schema-2.1.0.json` (commit e0583813964e), published at
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json.
The Multitool comes from npm (`make tools`, pinned in .tools/package-lock.json).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from agent_guard.model import Finding, Severity
from agent_guard.report.github import job_summary
from agent_guard.verdict import decide
from tests.conftest import ROOT, SEED_RULE_FILE, GitRepo
from tests.report.test_reports import _render

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text())
MULTITOOL_PACKAGE = ROOT / ".tools" / "node_modules" / "@microsoft" / "sarif-multitool"


def _refactor_without_body(repo: GitRepo) -> None:
    """A range with a commit-message finding (path-less) and a file finding."""
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text())
    repo.write("app/models.py", "x = 1\n")
    repo.commit("base")
    repo.write("app/models.py", "x = 1\ny = 2\n")
    repo.commit("Refactor models")


def _multitool() -> Path:
    """The Multitool's native binary (its npm wrapper passes arguments through a shell)."""
    node = shutil.which("node")
    if node is None or not MULTITOOL_PACKAGE.is_dir():
        if os.environ.get("CI"):
            pytest.fail("the SARIF Multitool is not installed: run `make tools` (needs npm)")
        pytest.skip("the SARIF Multitool is not installed: run `make tools` (needs npm)")
    found = subprocess.run(
        [node, "-p", f"require({json.dumps(str(MULTITOOL_PACKAGE))})"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())


@pytest.mark.slow  # ~10 s, and the same on every Python: `make test` runs it once
def test_sarif_passes_the_multitool_with_no_error_and_no_warning(
    repo: GitRepo, tmp_path: Path
) -> None:
    _refactor_without_body(repo)
    ranged = repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "sarif")
    assert ranged.returncode == 1, ranged.stderr
    logs = [
        tmp_path / "range.sarif",
        tmp_path / "approved-and-odd-paths.sarif",
        tmp_path / "suppressed.sarif",
        tmp_path / "baselined.sarif",
    ]
    logs[0].write_text(ranged.stdout)
    logs[1].write_text(_render("sarif"))
    repo.write("AGENTS.md", "- Never use print() for debugging.\n")
    repo.write("tool.py", "print(1)  # agent-guard: ignore[print-call] the tool's output\n")
    repo.commit("a suppressed finding")
    suppressed = repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "sarif")
    assert '"inSource"' in suppressed.stdout, suppressed.stdout
    logs[2].write_text(suppressed.stdout)
    logs[3].write_text(_baselined_sarif(repo))
    output = tmp_path / "validation.sarif"
    validate = subprocess.run(
        [str(_multitool()), "validate", *map(str, logs), "--output", str(output),
         "--config", str(HERE / "sarif-multitool.xml"), "--log", "ForceOverwrite"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert validate.returncode == 0 and output.exists(), validate.stdout + validate.stderr
    (run,) = json.loads(output.read_text())["runs"]
    problems = [
        f"{result['ruleId']}: {result['message'].get('arguments')}"
        for result in run.get("results", [])
        if result.get("level", "warning") in ("error", "warning")
    ]
    assert problems == [], "\n".join(problems)
    for invocation in run.get("invocations", []):
        assert invocation.get("executionSuccessful", True), invocation
        for note in invocation.get("toolExecutionNotifications", []):
            assert note.get("level") != "error", note
    assert "4 files scanned" in validate.stdout, validate.stdout


def _baselined_sarif(repo: GitRepo) -> str:
    """`check --format sarif` of a tree whose one finding the baseline records."""
    repo.write("AGENTS.md", "- Never use print() for debugging.\n")
    repo.write("legacy.py", "print(2)\n")
    assert repo.cli("baseline").returncode == 0
    result = repo.agent_guard("check", "--format", "sarif")
    assert result.returncode == 0 and '"baselineState"' in result.stdout, result.stdout
    return result.stdout


def test_sarif_of_baselined_findings_meets_the_final_schema(repo: GitRepo) -> None:
    repo.commit("empty")
    document = json.loads(_baselined_sarif(repo))
    jsonschema.validate(document, SCHEMA)
    (result,) = document["runs"][0]["results"]
    assert result["baselineState"] == "unchanged"
    assert result["suppressions"][0]["kind"] == "external"


def test_sarif_of_a_range_meets_the_final_schema_and_names_every_file(repo: GitRepo) -> None:
    _refactor_without_body(repo)
    document = json.loads(repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "sarif").stdout)
    jsonschema.validate(document, SCHEMA)
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    uris = {
        result["ruleId"]: result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in document["runs"][0]["results"]
    }
    assert uris["AG401"] == "COMMIT_EDITMSG"  # the commit message has no path of its own
    assert uris["AG001"] == "app/models.py"
    assert all(uris.values())


def test_the_final_schema_rejects_what_the_old_draft_allowed() -> None:
    document = json.loads(_render("sarif"))
    jsonschema.validate(document, SCHEMA)
    (suppression,) = document["runs"][0]["results"][1]["suppressions"]
    assert suppression["status"] == "accepted"
    suppression["state"] = suppression.pop("status")  # the name of a 2.1.0 draft
    with pytest.raises(jsonschema.ValidationError, match="state"):
        jsonschema.validate(document, SCHEMA)


def test_github_annotations_name_a_file_for_commit_message_findings(repo: GitRepo) -> None:
    _refactor_without_body(repo)
    result = repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "github")
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations and all(" file=" in line for line in annotations), annotations
    assert any(
        line.startswith("::error file=COMMIT_EDITMSG,line=1,col=1,title=AG401")
        for line in annotations
    ), annotations
    assert not any("file=," in line for line in annotations)


def test_in_actions_the_job_summary_gets_the_verdict(repo: GitRepo, tmp_path: Path) -> None:
    _refactor_without_body(repo)
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n")
    actions = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "github", env=actions)
    assert result.returncode == 1
    text = summary.read_text()
    assert text.startswith("earlier step\n### agent-guard: blocked: 1 escalation, 1 error\n")
    assert "| error | COMMIT\\_EDITMSG:1 (commit " in text  # appended, one row per finding
    assert "| escalate | app/models.py:2 (commit " in text

    clean = repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "json", env=actions)
    assert clean.returncode == 1
    assert summary.read_text() == text  # only the github format writes the summary

    outside = {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": str(summary)}
    repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "github", env=outside)
    assert summary.read_text() == text  # not in Actions: nothing written

    unwritable = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "no/such")}
    failed = repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "github", env=unwritable)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr  # the verdict stands
    assert "::error file=COMMIT_EDITMSG" in failed.stdout


def test_the_job_summary_cannot_be_marked_up_by_a_pushed_path() -> None:
    hostile = "app/<img src=x>|`x`*[y](z)\n.py"
    finding = Finding("print-call", "AG102", Severity.ERROR, hostile, 3, 1, "print()", "log")
    text = job_summary(decide([finding]))
    (row,) = [line for line in text.splitlines() if line.startswith("| error")]
    assert "<img" not in row and "&lt;img src=x&gt;" in row
    assert row.count(" | ") == 3  # the `|` in the path is escaped, the row keeps 4 cells
    assert "\\`x\\`\\*\\[y\\](z)\\\\n.py:3" in row
