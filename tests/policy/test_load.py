"""Discovery, explicit files, the PolicySource protocol and the compiled-policy cache."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from agent_guard.errors import UsageError
from agent_guard.policy.load import (
    WorkTreeSource,
    find_root,
    load_policy,
    matches_pattern,
)
from tests.conftest import ROOT, SEED_RULE_FILE, GitRepo

AGENTS_MD = "# Rules\n- Never use print() in app code\n"
INSTRUCTIONS = '---\napplyTo: "app/**/*.py"\n---\n- Never catch broad Exception\n'


def write_rule_files(repo: GitRepo) -> None:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text())
    repo.write(".cursor/rules/nested/more.mdc", "<agent><rule>Never commit secrets</rule></agent>")
    repo.write(".github/instructions/py.instructions.md", INSTRUCTIONS)
    repo.write("AGENTS.md", AGENTS_MD)
    repo.write("docs/AGENTS.md", "- Never use print() here either\n")  # nested: governs docs/
    repo.write(".cursor/rules/notes.txt", "- not a rule file\n")


def test_default_discovery(repo: GitRepo) -> None:
    write_rule_files(repo)
    policy = load_policy(repo.path)
    assert [f.path for f in policy.rule_files] == [
        ".cursor/rules/backend.mdc",
        ".cursor/rules/nested/more.mdc",
        ".github/instructions/py.instructions.md",
        "AGENTS.md",
        "docs/AGENTS.md",
    ]
    assert policy.rule_files[4].globs.matches("docs/x.py")
    assert not policy.rule_files[4].globs.matches("app/x.py")
    assert policy.rule_files[2].globs.matches("app/x.py")
    assert not policy.rule_files[2].globs.matches("scripts/x.py")
    assert policy.policy_files.matches(".cursor/rules/new-one.mdc")  # a new rule file, too
    for path in (".agent-guard.yaml", "pyproject.toml", ".pre-commit-config.yaml",
                 ".agent-guard/allowed_signers", "AGENTS.md"):  # fmt: skip
        assert policy.policy_files.matches(path), path
    assert not policy.policy_files.matches("app/models.py")
    assert not policy.policy_files.matches("docs/pyproject.toml")


def test_config_rules_replace_discovery_and_must_match(repo: GitRepo) -> None:
    write_rule_files(repo)
    repo.write(".agent-guard.yaml", "rules: ['AGENTS.md']\n")
    assert [f.path for f in load_policy(repo.path).rule_files] == ["AGENTS.md"]
    repo.write(".agent-guard.yaml", "rules: ['nothing/*.mdc']\n")
    with pytest.raises(UsageError, match=r"^\.agent-guard\.yaml: no rule file matches"):
        load_policy(repo.path)


def test_explicit_files(repo: GitRepo, tmp_path: Path) -> None:
    write_rule_files(repo)
    outside = tmp_path / "elsewhere.mdc"
    outside.write_text(AGENTS_MD)
    policy = load_policy(repo.path, rules=[repo.path / "AGENTS.md", outside])
    assert [f.path for f in policy.rule_files] == ["AGENTS.md", str(outside)]
    with pytest.raises(UsageError, match=r"missing.mdc: cannot read rule file"):
        load_policy(repo.path, rules=[repo.path / "missing.mdc"])
    with pytest.raises(UsageError, match=r"nope.yaml: cannot read config"):
        load_policy(repo.path, config=repo.path / "nope.yaml")


def test_pyproject_table_is_the_config_when_there_is_no_yaml(repo: GitRepo) -> None:
    repo.write("AGENTS.md", AGENTS_MD)
    repo.write("pyproject.toml", '[tool.agent-guard.checks.print-call]\nseverity = "warning"\n')
    policy = load_policy(repo.path)
    assert policy.config_path == "pyproject.toml"
    assert policy.checks["print-call"].severity.value == "warning"


class DictSource:
    """The protocol over a dict: what the hooks helper does over a git tree."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def read(self, path: str) -> bytes | None:
        return self.files.get(path)

    def paths(self, patterns: Sequence[str]) -> list[str]:
        return sorted(p for p in self.files if any(matches_pattern(x, p) for x in patterns))

    def link_problem(self, path: str) -> str | None:
        return None

    def same_file(self, path: str) -> str | None:
        return None


def test_any_source_satisfying_the_protocol(tmp_path: Path) -> None:
    source = DictSource({"AGENTS.md": AGENTS_MD.encode(), "x/AGENTS.md": b"- Never print()\n"})
    policy = load_policy(tmp_path, source=source)
    assert [f.path for f in policy.rule_files] == ["AGENTS.md", "x/AGENTS.md"]
    assert "print-call" in policy.checks


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        (".cursor/rules/**/*.mdc", ".cursor/rules/a.mdc", True),
        (".cursor/rules/**/*.mdc", ".cursor/rules/x/y/a.mdc", True),
        (".cursor/rules/**/*.mdc", ".cursor/a.mdc", False),
        ("AGENTS.md", "sub/AGENTS.md", False),
        ("*.md", "a/b.md", False),
        ("rules/?.mdc", "rules/a.mdc", True),
    ],
)
def test_rule_file_patterns(pattern: str, path: str, matches: bool) -> None:
    assert matches_pattern(pattern, path) is matches


def test_work_tree_source_and_find_root(repo: GitRepo) -> None:
    write_rule_files(repo)
    source = WorkTreeSource(repo.path)
    assert source.read("AGENTS.md") == AGENTS_MD.encode()
    assert source.read("missing") is None
    with pytest.raises(UsageError, match="cannot read: Is a directory"):
        source.read(".cursor")  # present but unreadable: an error, never a silently empty policy
    (repo.path / "app" / "deep").mkdir(parents=True)
    assert find_root(repo.path / "app" / "deep") == repo.path.resolve()


def test_cache_is_used_and_invalidated_by_any_input(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write_rule_files(repo)
    first = load_policy(repo.path, cache_dir=cache)
    [cached] = list(cache.glob("policy-*.pickle"))
    assert load_policy(repo.path, cache_dir=cache) == first
    repo.write("AGENTS.md", AGENTS_MD + "- Never commit secrets\n")
    assert "secret" in load_policy(repo.path, cache_dir=cache).rule_files[3].rules[1].checks
    repo.write(".cursor/rules/third.mdc", "<agent><rule>Avoid mutable defaults</rule></agent>")
    assert len(load_policy(repo.path, cache_dir=cache).rule_files) == 6
    repo.write(".agent-guard.yaml", "checks: {print-call: {severity: warning}}\n")
    assert load_policy(repo.path, cache_dir=cache).checks["print-call"].severity.value == "warning"
    cached.write_bytes(b"garbage")  # corrupt or foreign cache files are ignored
    (cache / next(cache.glob("policy-*.pickle")).name).write_bytes(pickle.dumps({"x": 1}))
    assert load_policy(repo.path, cache_dir=cache).config_path == ".agent-guard.yaml"


def test_unwritable_cache_still_loads(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("AGENTS.md", AGENTS_MD)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert load_policy(repo.path, cache_dir=blocker / "cache").rule_files


WARM_LOAD = """
import json, sys
from pathlib import Path
from agent_guard.policy.load import load_policy
policy = load_policy(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"yaml", "lxml", "pathspec", "git"})
print(json.dumps({"heavy": heavy, "rules": len(policy.rules)}))
"""


def test_warm_cache_loads_without_yaml_lxml_or_pathspec(repo: GitRepo, tmp_path: Path) -> None:
    write_rule_files(repo)
    repo.write(".agent-guard.yaml", (ROOT / "examples" / ".agent-guard.yaml").read_text()
               .replace("rules: [\".cursor/rules/*.mdc\"]", ""))  # fmt: skip
    cache = tmp_path / "cache"

    def run() -> dict[str, object]:
        args = [sys.executable, "-c", WARM_LOAD, str(repo.path), str(cache)]
        done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
        result: dict[str, object] = json.loads(done.stdout)
        return result

    cold = run()
    assert cold["heavy"] == ["lxml", "pathspec", "yaml"]
    warm = run()
    assert warm == {"heavy": [], "rules": cold["rules"]}


def test_top_level_exclude_reaches_every_check_but_the_path_checks(repo: GitRepo) -> None:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text())
    repo.write(".agent-guard.yaml", 'exclude: ["vendor/**"]\n')
    policy = load_policy(repo.path)
    for slug in ("print-call", "secret", "boundary", "syntax-error"):
        settings = policy.checks.get(slug)
        if settings is not None:
            assert not settings.applies_to("vendor/lib.py"), slug
            assert settings.applies_to("app/x.py") or settings.include, slug
    for slug in ("protected-file", "policy-change"):
        assert policy.checks[slug].applies_to("vendor/models.py"), slug


def test_excluded_files_are_not_checked_end_to_end(repo: GitRepo) -> None:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text())
    repo.write(".agent-guard.yaml", 'exclude: ["vendor/**"]\n')
    repo.commit("policy")
    repo.write("vendor/lib.py", 'def f(x=[]):\n    print("vendored")\n')
    repo.write("vendor/models.py", "class M:\n    pass\n")
    repo.add()
    result = repo.cli("diff", "--format", "json")
    checks = {(f["path"], f["check"]) for f in json.loads(result.stdout)["findings"]}
    assert checks == {("vendor/models.py", "protected-file")}
