"""Discovery of every rule-file format, per-file scope, what `rules` says it did not read,
front-matter errors, and the JSON / --explain contract — all through the real command line
in real repositories."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from agent_guard.changes.git import BatchObjectReader, CommitTreeReader, Git
from agent_guard.pipeline import TreeSource
from agent_guard.policy.load import discover, is_rule_file_path, load_policy
from tests.conftest import GitRepo

RULE = "- Never commit API keys or passwords.\n"
FORMATS = [
    ".cursor/rules/backend.mdc",
    ".cursor/rules/team/style.md",
    ".cursorrules",
    "AGENTS.md",
    "CLAUDE.md",
    "GEMINI.md",
    ".github/copilot-instructions.md",
    ".github/instructions/py.instructions.md",
    ".windsurfrules",
    ".windsurf/rules/local.md",
    ".clinerules",
    "services/api/AGENTS.md",
    "services/api/CLAUDE.md",
    "web/.cursor/rules/ui.mdc",
]


def rules_json(repo: GitRepo, *args: str) -> dict[str, Any]:
    done = repo.agent_guard("rules", "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("path", FORMATS)
def test_each_format_is_discovered_and_is_a_rule_file_path(repo: GitRepo, path: str) -> None:
    repo.write(path, RULE)
    repo.write("docs/notes.md", RULE)  # not a rule file
    data = rules_json(repo)
    assert [f["path"] for f in data["rule_files"]] == [path]
    assert is_rule_file_path(path)
    assert not is_rule_file_path("docs/notes.md")


def test_clinerules_folder(repo: GitRepo) -> None:
    repo.write(".clinerules/01-style.md", RULE)
    repo.write(".clinerules/02-tests.md", "- Never use bare `except`.\n")
    data = rules_json(repo)
    assert [f["path"] for f in data["rule_files"]] == [
        ".clinerules/01-style.md",
        ".clinerules/02-tests.md",
    ]


def test_nested_rule_files_govern_their_folder(repo: GitRepo) -> None:
    repo.write("AGENTS.md", "- Never use bare `except`.\n")
    repo.write("services/api/AGENTS.md", "- Never use `print()` in handlers.\n")
    repo.write("web/.cursor/rules/ui.mdc", "---\nglobs: src/**/*.py\n---\n- Avoid `print()`.\n")
    policy = load_policy(repo.path)
    scopes = {f.path: f.globs.patterns for f in policy.rule_files}
    assert scopes == {
        "AGENTS.md": (),
        "services/api/AGENTS.md": ("services/api/**",),
        "web/.cursor/rules/ui.mdc": ("web/src/**/*.py",),
    }
    print_call = policy.checks["print-call"]
    assert print_call.applies_to("services/api/app.py")
    assert not print_call.applies_to("cli/main.py")


def test_a_frontend_rule_file_does_not_bind_python_checks(repo: GitRepo) -> None:
    repo.write(
        ".cursor/rules/ui.mdc", "---\nglobs: web/**/*.tsx\n---\n- Never use print or `any`.\n"
    )
    policy = load_policy(repo.path)
    [rule] = policy.rules
    assert "print-call" not in rule.checks
    assert rule.checks == ("banned-code",)
    [binding] = policy.bindings
    assert binding.param("language") == ("other",)


def test_symlinks_read_once_dangling_listed_outside_refused(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("GEMINI.md", RULE)
    os.symlink("GEMINI.md", repo.path / "CLAUDE.md")
    os.symlink("missing.md", repo.path / "AGENTS.md")
    data = rules_json(repo)
    assert [f["path"] for f in data["rule_files"]] == ["GEMINI.md"]
    unread = {u["path"]: u["why"] for u in data["unread"]}
    assert "GEMINI.md" in unread["CLAUDE.md"]
    assert unread["AGENTS.md"] == "a dangling symbolic link"
    text = repo.agent_guard("rules").stdout
    assert "Not read: AGENTS.md (a dangling symbolic link)" in text
    outside = tmp_path / "elsewhere.md"
    outside.write_text(RULE)
    (repo.path / "AGENTS.md").unlink()
    os.symlink(outside, repo.path / "AGENTS.md")
    done = repo.agent_guard("rules")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "agent-guard: AGENTS.md: rule file is a symbolic link to a path outside the repository"
    ]


def test_a_commit_tree_lists_a_linked_rule_file_as_not_followed(repo: GitRepo) -> None:
    """The server reads the policy from a commit: a link there is named, never read blind."""
    repo.write("GEMINI.md", RULE)
    os.symlink("GEMINI.md", repo.path / "CLAUDE.md")
    repo.commit("rules, one linked")
    git = Git(repo.path)
    with BatchObjectReader(git) as objects:
        source = TreeSource(CommitTreeReader(git, objects, "HEAD"))
        files, skipped = discover(source, ["GEMINI.md", "CLAUDE.md"])
    assert [name for name, _ in files] == ["GEMINI.md"]
    assert skipped == [("CLAUDE.md", "a symbolic link, not followed in a git tree: "
                        "name its target in `rules:`")]  # fmt: skip
    assert source.same_file("CLAUDE.md") is None


def test_rules_lists_known_rule_files_the_config_leaves_out(repo: GitRepo) -> None:
    repo.write("AGENTS.md", RULE)
    repo.write("CLAUDE.md", RULE)
    repo.write(".agent-guard.yaml", "rules: ['AGENTS.md']\n")
    data = rules_json(repo)
    assert data["unread"] == [{"path": "CLAUDE.md", "why": "not matched by `rules:` in the config"}]


def test_no_rule_file_is_said_loudly_by_rules_and_diff(repo: GitRepo) -> None:
    repo.write("app.py", "x = 1\n")
    repo.add()
    done = repo.agent_guard("rules")
    assert done.returncode == 0
    assert done.stdout.startswith("WARNING: no rule file found")
    assert "no rule file found" in done.stderr
    data = rules_json(repo)
    assert "nothing your rules say is enforced" in data["warnings"][0]
    diff = repo.agent_guard("diff")
    assert "no rule file found" in diff.stderr


def test_json_keeps_every_field_and_adds_bindings(repo: GitRepo) -> None:
    repo.write(
        "AGENTS.md",
        "## Handlers (app/api/**)\n- FORBIDDEN imports: requests, app.db.*\n"
        "- Never call `eval()` outside tests.\n- Do not edit `gen/` by hand.\n"
        "- Never push directly to `main`.\n- Use Conventional Commits.\n",
    )
    data = rules_json(repo)
    rules = data["rules"]
    assert isinstance(rules, list)
    for rule in rules:
        assert {"file", "line", "text", "severity", "checks", "bindings"} <= set(rule)
    by_text = {r["text"]: r["bindings"] for r in rules}
    assert by_text["FORBIDDEN imports: requests, app.db.*"] == [
        {
            "check": "boundary",
            "params": {"forbid": ["requests", "app.db"], "from": ["app/api/**"]},
            "severity": "error",
        }
    ]
    [banned] = by_text["Never call `eval()` outside tests."]
    assert banned["check"] == "banned-code"
    assert banned["params"]["targets"] == ["eval()"]
    assert "tests/**" in banned["params"]["exclude"]
    assert by_text["Do not edit `gen/` by hand."][0]["params"] == {"paths": ["gen/**"]}
    assert by_text["Never push directly to `main`."][0]["params"] == {
        "branches": ["main"],
        "forbid": ["push"],
    }
    assert by_text["Use Conventional Commits."][0]["params"] == {"format": ["conventional"]}
    assert data["protected"][0]["pattern"] == "gen/**"


def test_explain_says_why_and_warns(repo: GitRepo) -> None:
    repo.write(
        "AGENTS.md",
        "- Never call `eval()`.\n- It is fine to print in scripts.\n- Do not touch `Foo Bar`.\n",
    )
    out = repo.agent_guard("rules", "--explain").stdout
    assert "why: force prohibition; action use; avoided eval()" in out
    assert "why: advisory: the sentence permits something" in out
    data = rules_json(repo, "--explain")
    assert all("explain" in rule for rule in data["rules"])
    repo.write("CLAUDE.md", "Just some words about the project\n")
    notes = rules_json(repo)["notes"]
    assert "CLAUDE.md: no rule of this file is enforced (all advisory)" in notes


def test_a_language_that_is_not_read_stays_advisory_with_a_note(repo: GitRepo) -> None:
    repo.write("AGENTS.md", "- 严禁提交密钥\n- Never commit secrets.\n")
    data = rules_json(repo)
    checks = [r["checks"] for r in data["rules"]]
    assert checks == [[], ["secret"]]
    assert any("only English is understood" in n for n in data["notes"])


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("globs: 123", "AGENTS.md:2:1: front matter: globs must be a file pattern, got 123"),
        ("globs: {a: b}", "AGENTS.md:2:1: front matter: globs must be a pattern or a list"),
        ("globs:\n  a: b", "AGENTS.md:2:1: front matter: globs must be a pattern or a list"),
        ("globs: '**/*.py'\talwaysApply: true", "AGENTS.md:2:1: front matter: a tab joins"),
    ],
)
def test_front_matter_that_cannot_mean_a_glob_is_an_error(
    repo: GitRepo, front: str, message: str
) -> None:
    repo.write("AGENTS.md", f"---\n{front}\n---\n{RULE}")
    done = repo.agent_guard("rules")
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_duplicate_front_matter_keys_are_reported(repo: GitRepo) -> None:
    repo.write(".cursor/rules/a.mdc", f"---\nglobs: a/**\nglobs: b/**\n---\n{RULE}")
    notes = rules_json(repo)["notes"]
    assert ".cursor/rules/a.mdc: line 3: front matter key 'globs' repeats line 2" in notes


def test_a_new_nested_rule_file_is_a_policy_change(repo: GitRepo) -> None:
    repo.write("AGENTS.md", RULE)
    repo.commit("rules")
    repo.write("services/CLAUDE.md", "- Anything goes here.\n")
    repo.add()
    done = repo.agent_guard("diff", "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert [f["check"] for f in findings] == ["policy-change"]
