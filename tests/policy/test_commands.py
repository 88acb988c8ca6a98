"""`agent-guard rules`, `explain` and `init`, run as the real command line in real repos."""

from __future__ import annotations

import json

import pytest

from agent_guard.checks.registry import CHECKS
from tests.conftest import EXAMPLES, SEED_RULE_FILE, GitRepo
from tests.policy.test_catalog import REQUIRED
from tests.policy.test_rulefile import SEED_RULES

SEED_PATH = ".cursor/rules/seed.mdc"


def seed_repo(repo: GitRepo) -> None:
    repo.write(SEED_PATH, SEED_RULE_FILE.read_bytes())  # byte for byte


def test_rules_lists_every_seed_rule_with_its_true_line(repo: GitRepo) -> None:
    seed_repo(repo)
    done = repo.cli("rules")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for line, tag_path in SEED_RULES:
        assert f"  {SEED_PATH}:{line}  {tag_path}\n" in out
    lines = out.splitlines()
    for line, checks in REQUIRED.items():
        at = lines.index(f"  {SEED_PATH}:{line}  " + dict(SEED_RULES)[line])
        assert lines[at + 1].split(": ", 1)[1] == ", ".join(checks)
    assert f"  {SEED_PATH}:9  name\n      advisory\n" in out
    assert f"  **/models.py                   {SEED_PATH}:19" in out
    assert "Rules: 33 (" in out
    assert "could not map 'WhatsApp' to a component" in out


def test_rules_json_carries_the_same(repo: GitRepo) -> None:
    seed_repo(repo)
    done = repo.cli("rules", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    rules = document["rules"]
    assert [(r["line"], r["tag_path"]) for r in rules] == SEED_RULES
    by_line = {r["line"]: r for r in rules}
    for line, checks in REQUIRED.items():
        assert tuple(by_line[line]["checks"]) == checks
    assert by_line[19]["severity"] == "escalate"
    assert by_line[9]["severity"] == "advisory"
    assert [p["pattern"] for p in document["protected"]] == ["**/models.py", "**/schemas.py"]
    by_slug = {c["slug"]: c for c in document["checks"]}
    assert by_slug["blocking-in-async"]["severity"] == "error"
    assert by_slug["blocking-in-async"]["rule"]["line"] == 58  # the strongest rule is quoted
    assert [r["line"] for r in by_slug["protected-file"]["rules"]] == [19, 109]
    assert document["rule_files"][0]["front_matter"]["globs"] == ["**/*.py"]


def test_rules_on_explicit_files_and_config(repo: GitRepo) -> None:
    repo.write("elsewhere/seed.mdc", SEED_RULE_FILE.read_bytes())
    repo.write("ag.yaml", "components:\n  whatsapp: [app/whatsapp/**]\n  db: [app/db/**]\n"
               "  llm: [app/llm/**]\n")  # fmt: skip
    done = repo.cli("rules", "--config", "ag.yaml", "--rules", "elsewhere/seed.mdc")
    assert done.returncode == 0, done.stderr
    assert "elsewhere/seed.mdc:25" in done.stdout
    assert "whatsapp -/-> db  [direct imports]  (elsewhere/seed.mdc:25)" in done.stdout
    assert "must not write data: llm" in done.stdout


def test_rules_on_the_example(repo: GitRepo) -> None:
    for path in (".cursor/rules/backend.mdc", ".agent-guard.yaml"):
        repo.write(path, (EXAMPLES / path).read_text())
    done = repo.cli("rules", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["notes"] == []
    assert {(b["from"], b["to"]) for b in document["boundaries"]} == {
        ("whatsapp", "db"), ("whatsapp", "crud"), ("llm", "crud")
    }  # fmt: skip
    sections = {r["tag_path"] for r in document["rules"]}
    seed_sections = {tag for _, tag in SEED_RULES}
    assert seed_sections <= sections  # every section the seed has
    mapped = {slug for r in document["rules"] for slug in r["checks"]}
    assert mapped == {slug for checks in REQUIRED.values() for slug in checks} | {"logic-in-route"}


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({SEED_PATH: "<agent>\n  <rule>open\n</agent>\n"}, [],
         f"agent-guard: {SEED_PATH}:3:9: invalid XML: Opening and ending tag mismatch: rule "
         "line 2 and agent, line 3, column 9\n"),
        ({SEED_PATH: "---\nglobs: **/*.py\nfoo\n---\n<agent/>"}, [],
         f"agent-guard: {SEED_PATH}:3:1: front matter: expected 'key: value', got 'foo'\n"),
        ({".agent-guard.yaml": "components:\n  db: {paths: [a]}\n"
                               "boundaries: [{from: x, to: db}]\n"},
         [], "agent-guard: .agent-guard.yaml:3:21: boundary names component 'x', which is not "
         "defined in components (defined: db)\n"),
        ({".agent-guard.yaml": "checks: [\n"}, [],
         "agent-guard: .agent-guard.yaml:2:1: invalid YAML: expected the node content, but "
         "found '<stream end>'\n"),
        ({}, ["--rules", "missing.mdc"],
         "agent-guard: missing.mdc: cannot read rule file: No such file or directory\n"),
    ],
)  # fmt: skip
def test_user_errors_are_one_line_and_exit_2(
    repo: GitRepo, files: dict[str, str], args: list[str], message: str
) -> None:
    for path, text in files.items():
        repo.write(path, text)
    done = repo.cli("rules", *args)
    assert (done.returncode, done.stderr, done.stdout) == (2, message, "")


def test_explain(repo: GitRepo) -> None:
    listing = repo.cli("explain")
    assert listing.returncode == 0
    assert [line.split()[1] for line in listing.stdout.splitlines()] == [c.slug for c in CHECKS]
    one = repo.cli("explain", "AG102")
    assert one.returncode == 0
    assert one.stdout.startswith("AG102 print-call (python check, default severity error)\n")
    unknown = repo.cli("explain", "nope")
    assert (unknown.returncode, unknown.stderr) == (
        2, "agent-guard: no check named 'nope'; `agent-guard explain` lists them\n"
    )  # fmt: skip


def test_init_writes_a_config_that_loads(repo: GitRepo) -> None:
    seed_repo(repo)
    for folder in ("app/whatsapp", "app/db"):
        repo.write(f"{folder}/__init__.py", "")
    done = repo.cli("init")
    assert done.returncode == 0, done.stderr
    text = (repo.path / ".agent-guard.yaml").read_text()
    assert '  whatsapp: {paths: ["app/whatsapp/**"], modules: ["app.whatsapp"]}' in text
    assert '  db: {paths: ["app/db/**"], modules: ["app.db"]}' in text
    assert (
        f"  # TODO: the rules name 'LLM' ({SEED_PATH}:25) but no first-party package matched"
        in text
    )
    assert "#   print-call: {severity: error}" in text
    rules = repo.cli("rules", "--format", "json")
    assert rules.returncode == 0, rules.stderr
    document = json.loads(rules.stdout)
    assert [(b["from"], b["to"]) for b in document["boundaries"]] == [("whatsapp", "db")]
    assert document["notes"] == [
        f"{SEED_PATH}:25: could not map 'LLM' to a component (no configured component and "
        "no package of that name); add it to `components` in .agent-guard.yaml to enforce "
        "this rule"
    ]
    again = repo.cli("init")
    assert (again.returncode, again.stderr) == (
        2, "agent-guard: .agent-guard.yaml: already exists; use --force to overwrite it\n"
    )  # fmt: skip
    assert repo.cli("init", "--force").returncode == 0


def test_init_without_rule_files_still_writes_valid_yaml(repo: GitRepo) -> None:
    assert repo.cli("init").returncode == 0
    assert repo.cli("rules").returncode == 0
