"""Every corpus case, run through the real engine, reports exactly what its markers expect.

All cases are committed into one real repository (one root commit, each case at its own
repository path); each case is then judged alone: the commit's change narrowed to the case's
file, with the case's own policy, through `pipeline.evaluate` (the engine, the suppression
stage and the verdict) with `all_lines=True`. The markers' syntax is in `corpus_cases.py`.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent_guard.changes.git import BatchObjectReader, Repository
from agent_guard.changes.model import ChangedFile, ChangeSet, CommitChange
from agent_guard.checks.registry import BY_SLUG
from agent_guard.engine import EngineOptions
from agent_guard.globs import compile_globs
from agent_guard.model import Finding, Rule, Severity
from agent_guard.pipeline import changes_for, evaluate, open_repository
from agent_guard.policy.model import Binding, CheckSettings, Policy
from tests.checks.corpus_cases import CORPUS, Case, all_cases, load_case
from tests.conftest import GitRepo

CASES = all_cases()


def policy_for(case: Case) -> Policy:
    def severity(slug: str) -> Severity:
        return Severity(case.severity) if case.severity else BY_SLUG[slug].default_severity

    settings = {
        slug: CheckSettings(slug, severity(slug)) for slug in (*case.checks, "suppression-reason")
    }
    settings[case.slug] = CheckSettings(case.slug, severity(case.slug), options=case.options)
    return Policy(checks=settings, bindings=tuple(binding_of(case, b) for b in case.bindings))


def binding_of(case: Case, given: dict[str, Any]) -> Binding:
    """A corpus case's `corpus-binding` as the compiler would bind it (a rule quoted)."""
    values: dict[str, Any] = {key: value for key, value in given.items() if key != "severity"}
    scope: dict[str, tuple[str, ...]] = {
        key: tuple(values.pop(key, ())) for key in ("include", "exclude")
    }
    severity = Severity(str(given.get("severity", BY_SLUG[case.slug].default_severity)))
    rule = Rule(case.id, 1, "", f"corpus rule for {case.id}", severity, (case.slug,))
    params: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
        sorted((key, tuple(value)) for key, value in values.items())
    )
    return Binding(rule, case.slug, severity, params,
                   compile_globs(scope["include"]), compile_globs(scope["exclude"]))  # fmt: skip


@dataclass
class Corpus:
    """The corpus committed into one repository, with its reader open for every case."""

    repo: Repository
    objects: BatchObjectReader
    change: ChangeSet
    files: dict[str, ChangedFile]

    def judge(self, case: Case) -> list[Finding]:
        """The case's file alone, as the engine sees a commit that adds it."""
        file = self.files[case.path]
        [commit] = self.change.commits
        alone = self.change._replace(files=(file,), commits=(CommitChange(commit.commit, (file,)),))
        verdict = evaluate(
            self.repo,
            self.objects,
            [alone],
            policy_for(case),
            options=EngineOptions(all_lines=True),  # no cache_dir: every case is checked afresh
        )
        return [finding for finding in verdict.findings if not finding.suppressed]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    paths = Counter(case.path for case in CASES)
    assert max(paths.values()) == 1, [path for path, n in paths.items() if n > 1]
    root = tmp_path_factory.mktemp("corpus")
    with pytest.MonkeyPatch.context() as env:  # the function-scoped git isolation, once
        env.setenv("HOME", str(root))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("GIT_CONFIG_GLOBAL", str(root / ".gitconfig"))
        for name in ("GIT_DIR", "GIT_INDEX_FILE"):
            env.delenv(name, raising=False)
        git = GitRepo(root / "repo")
        for case in CASES:
            git.write(case.path, case.file.read_bytes())
        git.commit("the corpus")
        repo = open_repository(git.path)
        with repo.objects() as objects:
            [change] = changes_for(repo, objects, "HEAD")
            files = {file.path: file for file in change.files}
            yield Corpus(repo, objects, change, files)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(corpus: Corpus, case: Case) -> None:
    findings = corpus.judge(case)
    if sys.version_info[:2] < case.python:  # this parser cannot judge the file: advisory only
        assert [(f.code, f.severity) for f in findings] == [("AG108", Severity.ADVISORY)]
        assert f"Python {case.python[0]}.{case.python[1]}" in findings[0].message
        return
    found = Counter((finding.line, finding.column, finding.code) for finding in findings)
    report = "\n".join(
        f"{finding.line}:{finding.column} {finding.code} {finding.message}" for finding in findings
    )
    assert set(found) == set(case.expected), report  # line, column and check
    assert max(found.values(), default=1) == 1, report  # and nothing reported twice
    for finding in findings:
        assert finding.fix, "every finding carries a fix hint"
        if case.bindings and finding.check == case.slug:
            assert finding.rule is not None and finding.rule.file == case.id, "quotes its rule"
        assert finding.path == case.path
        assert finding.check in {case.slug, "suppression-reason", *case.checks}


def test_a_marker_without_a_column_is_an_error(tmp_path: Path) -> None:
    file = tmp_path / "print_call" / "pos_old_marker.py"
    file.parent.mkdir()
    file.write_text('print("x")  # expect: AG102\n')
    with pytest.raises(ValueError, match="bad marker 'AG102'"):
        load_case(file)
    file.write_text('print("x")  # expect: AG102:1, AG106:1\n# expect-below: AG109:3\nx = 1\n')
    assert load_case(file).expected == {(1, 1, "AG102"), (1, 1, "AG106"), (3, 3, "AG109")}


def test_every_check_has_ten_positive_and_ten_negative_cases() -> None:
    positive: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    for case in CASES:
        (positive if case.expected else negative)[case.slug] += 1
    directories = {
        path.name.replace("_", "-")
        for path in CORPUS.iterdir()
        if path.is_dir() and not path.name.startswith(".")
    }
    for slug in directories:
        assert positive[slug] >= 10, (slug, positive[slug])
        assert negative[slug] >= 10, (slug, negative[slug])
    python_checks = {slug for slug, info in BY_SLUG.items() if info.family == "python"}
    assert python_checks <= directories


def test_the_corpus_parses_where_it_should() -> None:
    for case in CASES:
        if case.slug != "syntax-error":
            ast.parse(case.text)
