"""`agent-guard baseline`: today's findings recorded, later runs report only new ones."""

from __future__ import annotations

import json
from collections.abc import Callable

from agent_guard.model import Finding, Severity
from agent_guard.verdict.baseline import Baseline, key, mark
from tests.conftest import GitRepo
from tests.hooks.conftest import APPROVER_ENV, CONFIG, install_pre_receive, push
from tests.secrets import fakes

BASELINE = ".agent-guard-baseline.json"
RULES = (
    "- Never use print() for debugging.\n"
    "- Never commit secrets or credentials.\n"
    "- You must escalate before modifying app/models.py.\n"
)
LEGACY_KEY = fakes.stripe_key()
REPORT = "def show(rows):\n    print(rows)\n\n\ndef total(rows):\n    print(len(rows))\n"


def _legacy(repo: GitRepo) -> None:
    repo.write("AGENTS.md", RULES)
    repo.write("app/__init__.py", "")
    repo.write("app/models.py", "class User: ...\n")
    repo.write("app/report.py", REPORT)
    repo.write("app/settings.py", f'API_KEY = "{LEGACY_KEY}"\n')
    repo.commit("legacy code, committed long ago")


def _report(repo: GitRepo, *args: str) -> dict[str, object]:
    result = repo.cli(*args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _counted(document: dict[str, object]) -> list[tuple[str, str, int]]:
    findings = document["findings"]
    assert isinstance(findings, list)
    return sorted((f["check"], f["path"], f["line"]) for f in findings if not f["baselined"])


def test_baseline_records_the_tree_and_check_then_passes(repo: GitRepo) -> None:
    _legacy(repo)
    assert repo.cli("check").returncode == 1
    recorded = repo.cli("baseline")
    assert recorded.returncode == 0, recorded.stderr
    assert "3 known finding(s) recorded (3 added, 0 removed)" in recorded.stdout
    assert "+ app/report.py  print-call (AG102)" in recorded.stdout

    document = json.loads((repo.path / BASELINE).read_text())
    entries = document["findings"]
    assert [(e["path"], e["check"]) for e in entries] == [
        ("app/report.py", "print-call"),
        ("app/report.py", "print-call"),
        ("app/settings.py", "secret"),
    ]
    assert entries == sorted(entries, key=lambda e: (e["path"], e["check"], e["fingerprint"]))
    assert all("line" not in entry for entry in entries)  # keyed by fingerprint, never line
    assert LEGACY_KEY not in (repo.path / BASELINE).read_text()  # masked only

    check = repo.cli("check")
    assert check.returncode == 0, check.stdout
    assert "passed: 3 known findings in the baseline" in check.stdout
    assert "print(rows)" not in check.stdout  # not listed without -v
    verbose = repo.cli("-v", "check")
    assert "known, in the baseline:" in verbose.stdout
    assert "app/report.py:2:5  print-call (AG102)" in verbose.stdout
    report = _report(repo, "check")
    assert report["baselined"] == 3 and report["verdict"] == "passed"
    assert all(f["baselined"] and not f["blocks"] for f in report["findings"])  # type: ignore[attr-defined]


def test_edits_elsewhere_do_not_resurrect_old_findings_and_new_ones_count(repo: GitRepo) -> None:
    _legacy(repo)
    repo.cli("baseline")
    # Lines above move every finding; a comment on the old line changes nothing either.
    moved = '"""Reports."""\n\nimport logging\n\n' + REPORT.replace(
        "print(rows)\n", "print(rows)  # shown to the operator\n"
    )
    repo.write("app/report.py", moved + "\n\ndef extra(rows):\n    print(rows[0])\n")
    assert _counted(_report(repo, "check")) == [("print-call", "app/report.py", 14)]
    # The same finding once more in the same function is new: counts, not a set.
    repo.write("app/report.py", REPORT.replace("    print(rows)\n", "    print(rows)\n" * 2))
    assert _counted(_report(repo, "check")) == [("print-call", "app/report.py", 3)]


def test_rerun_says_what_it_added_and_removed_and_check_tells_stale(repo: GitRepo) -> None:
    _legacy(repo)
    missing = repo.cli("baseline", "--check")
    assert missing.returncode == 1 and "missing" in missing.stdout
    assert not (repo.path / BASELINE).exists()
    repo.cli("baseline")
    current = repo.cli("baseline", "--check")
    assert current.returncode == 0 and "up to date (3 known finding(s))" in current.stdout
    again = repo.cli("baseline")
    assert again.returncode == 0 and "nothing changed" in again.stdout

    repo.write("app/report.py", "def show(rows):\n    print(rows)\n")  # `total` fixed
    repo.write("app/jobs.py", "def run():\n    print('started')\n")
    before = (repo.path / BASELINE).read_text()
    stale = repo.cli("baseline", "--check")
    assert stale.returncode == 1, stale.stdout
    assert "out of date (1 to add, 1 to remove)" in stale.stdout
    assert (repo.path / BASELINE).read_text() == before  # --check writes nothing
    updated = repo.cli("baseline")
    assert "+ app/jobs.py  print-call (AG102)" in updated.stdout
    assert "- app/report.py  print-call (AG102)" in updated.stdout
    assert "(1 added, 1 removed)" in updated.stdout
    assert repo.cli("baseline", "--check").returncode == 0


def test_a_broken_baseline_is_one_line_and_exit_2(repo: GitRepo) -> None:
    _legacy(repo)
    repo.write(BASELINE, "{not json")
    result = repo.cli("check")
    assert result.returncode == 2
    assert result.stderr.startswith(f"agent-guard: {BASELINE}") or BASELINE in result.stderr
    assert "not a valid baseline" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert repo.cli("baseline", "--check").returncode == 1  # not one: missing
    replaced = repo.cli("baseline")
    assert replaced.returncode == 0 and "replacing it" in replaced.stderr
    assert repo.cli("check").returncode == 0


def test_the_hooks_and_diff_honour_the_baseline(repo: GitRepo) -> None:
    """pre-commit handed whole files (`--all-files`) and `diff --all-lines` mark them too."""
    _legacy(repo)
    repo.cli("baseline")
    repo.commit("Record the baseline")
    files = ("app/report.py", "app/settings.py")
    hook = repo.cli("hook", "pre-commit", *files, env={"PRE_COMMIT": "1"})
    assert hook.returncode == 0, hook.stdout
    assert hook.stdout == ""  # under the framework, nothing to read: nothing printed
    listed = repo.cli("-v", "hook", "pre-commit", *files, env={"PRE_COMMIT": "1"})
    assert "3 known findings in the baseline" in listed.stdout
    whole = repo.cli("diff", "--all-lines", "HEAD~1..HEAD")
    # the recorded findings are known; what is left is recording them, a policy change
    assert whole.returncode == 1, whole.stdout
    assert "escalate   .agent-guard-baseline.json:1:1  policy-change (AG002)" in whole.stdout
    assert "blocked: 1 escalation\n" in whole.stdout, whole.stdout


def test_a_changed_line_with_a_secret_is_never_known(repo: GitRepo) -> None:
    """A rotated key has the same masked line as the recorded one: in a change, only the
    Python walk's structural fingerprints are matched, so the new key blocks."""
    _legacy(repo)
    repo.cli("baseline")
    repo.commit("Record the baseline")
    repo.write("app/settings.py", f'API_KEY = "{fakes.stripe_key()}"\n')
    repo.add()
    result = repo.cli("hook", "pre-commit")
    assert result.returncode == 1, result.stdout
    assert "secret (AG301)" in result.stdout


def test_one_file_name() -> None:
    from agent_guard.policy.load import BASELINE_FILE
    from agent_guard.verdict.baseline import FILE

    assert FILE == BASELINE_FILE == BASELINE


def test_escalations_are_never_baselined() -> None:
    escalate = Severity.ESCALATE
    protected = Finding("protected-file", "AG001", escalate, "app/models.py", 1, 1, "m", "f")
    printed = Finding("print-call", "AG102", Severity.ERROR, "app/x.py", 2, 5, "m", "f")
    printed = printed._replace(fingerprint="abc")
    baseline = Baseline({key(protected): 1, key(printed): 1})
    marked = mark([protected, printed], baseline, whole_files=False)
    assert [f.baselined for f in marked] == [False, True]


def test_the_server_reads_the_baseline_from_the_trusted_branch(
    make_repo: Callable[..., GitRepo],
) -> None:
    """A push that records its own findings in the baseline is judged without them; the
    same baseline on the branch before the push is honoured."""
    server = make_repo("server.git", bare=True)
    install_pre_receive(server)
    clone = make_repo("clone")
    clone.write("AGENTS.md", RULES)
    clone.write(".agent-guard.yaml", CONFIG)
    clone.write("app/__init__.py", "")
    clone.commit("The policy")
    clone.git("remote", "add", "origin", str(server.path))
    assert push(clone, "main", env=APPROVER_ENV).accepted
    clone.write("app/jobs.py", "def run():\n    print('started')\n")
    clone.cli("baseline")  # records the new print too, in the same push
    clone.commit("Add a job, and baseline its print")
    sneaky = push(clone, "main")
    assert not sneaky.accepted, sneaky
    assert "print-call" in sneaky.output and "app/jobs.py" in sneaky.output

    # An approver records the baseline on main first: then the same commit is accepted.
    clone.git("reset", "-q", "--hard", "HEAD~1")
    clone.write("app/jobs.py", "def run():\n    print('started')\n")
    clone.cli("baseline")
    clone.git("add", BASELINE)
    clone.git("commit", "-q", "-m", "Record the baseline")
    assert push(clone, "main", env=APPROVER_ENV).accepted
    clone.commit("Add a job")
    accepted = push(clone, "main")
    assert accepted.accepted, accepted
    assert "1 known finding in the baseline" in accepted.output
