"""Running the architecture checks on real repositories, as the engine does.

The change comes from real git (`range_changes` / `staged_changes`), the new state from a
real tree reader (commit tree or index), and the changed files' import records from the
single AST walk (`check_python`), exactly the inputs `run_imports` gets in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from agent_guard.changes.git import CommitTreeReader, IndexTreeReader, open_repository
from agent_guard.changes.model import ChangeSet
from agent_guard.changes.sources import range_changes, staged_changes
from agent_guard.checks.architecture import run_imports
from agent_guard.checks.base import Context, Unit, enabled_by_unit
from agent_guard.checks.pysource import ImportRecord, decode, parse
from agent_guard.checks.python import check_python
from agent_guard.checks.registry import BY_SLUG
from agent_guard.globs import compile_globs
from agent_guard.model import Finding
from agent_guard.policy.model import Boundary, CheckSettings, Component, Policy
from tests.conftest import GitRepo


def make_policy(
    checks: Sequence[str] = ("boundary", "new-dependency", "import-cycle"),
    *,
    components: Mapping[str, tuple[Sequence[str], Sequence[str]]] | None = None,
    boundaries: Sequence[tuple[str, str] | tuple[str, str, bool]] = (),
    options: Mapping[str, Mapping[str, object]] | None = None,
) -> Policy:
    """A compiled policy: `components` name -> (path globs, module prefixes)."""
    settings = {
        slug: CheckSettings(
            slug, BY_SLUG[slug].default_severity, options=dict((options or {}).get(slug, {}))
        )
        for slug in checks
    }
    return Policy(
        checks=settings,
        components={
            name: Component(name, compile_globs(paths), tuple(modules))
            for name, (paths, modules) in (components or {}).items()
        },
        boundaries=tuple(
            Boundary(b[0], b[1], indirect=bool(b[2]) if len(b) == 3 else True) for b in boundaries
        ),
    )


def run(
    repo: GitRepo,
    policy: Policy,
    spec: str | None = "HEAD",
    *,
    cache_dir: Path | None = None,
    with_objects: bool = True,
) -> list[Finding]:
    """The architecture findings of commit/range `spec` (None: the staged change)."""
    findings, _ = run_with_changes(
        repo, policy, spec, cache_dir=cache_dir, with_objects=with_objects
    )
    return findings


def run_with_changes(
    repo: GitRepo,
    policy: Policy,
    spec: str | None = "HEAD",
    *,
    cache_dir: Path | None = None,
    with_objects: bool = True,
) -> tuple[list[Finding], ChangeSet]:
    repository = open_repository(repo.path)
    with repository.objects() as objects:
        if spec is None:
            changes = staged_changes(repository, objects)
            tree: CommitTreeReader = IndexTreeReader(repository.git, objects)
        else:
            changes = range_changes(repository, objects, spec)
            assert changes.tree is not None
            tree = CommitTreeReader(repository.git, objects, changes.tree)
        imports: dict[str, tuple[ImportRecord, ...]] = {}
        for changed in changes.files:
            if changed.has_content and changed.path.endswith(".py") and changed.new_oid:
                text = decode(objects.read_blob(changed.new_oid))
                result = check_python(changed.path, text, parse(text, changed.path), policy)
                imports[changed.path] = result.imports
        group = enabled_by_unit(policy).get(Unit.IMPORTS, [])
        settings = CheckSettings("", BY_SLUG["boundary"].default_severity)  # replaced per check
        reader = objects if with_objects else None
        context = Context(settings, policy, changes, reader, tree, cache_dir)  # type: ignore[arg-type]
        findings = run_imports(group, imports, context)
    return findings, changes


def python_findings(path: str, text: str, policy: Policy) -> list[Finding]:
    """The findings of the single AST walk on one file (for llm-writes)."""
    return check_python(path, text, parse(text, path), policy).findings


def located(findings: Sequence[Finding], check: str) -> list[tuple[str, int]]:
    return sorted((f.path, f.line) for f in findings if f.check == check)
