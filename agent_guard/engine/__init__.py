"""The engine: a loop over the enabled checks, grouped by the unit they consume.

Per ChangeSet, each unit is built once and handed to every enabled check of its group
(`checks.base.Unit`; the engine names no check):

1. `python` — each changed Python file in scope, read once, parsed once, walked once
   (`engine.python_unit`); its import records feed `imports`. Started first: on a push
   the walk goes to a forked worker on the other core while this process does the rest;
2. `path` — each changed file of each commit (of the net change for staged/work tree), so
   an approval belongs to the commit that needs it;
3. `content` — each changed blob of each commit, on its added lines (`engine.content_unit`);
4. `imports` — the import graph of the change (`checks.architecture`);
5. `message` — each commit; 6. `ref` — the ref update of a push.

Whole files (`agent-guard check`, a ChangeSet of kind `files`) have no change to judge: only
the units that read content run (python, content, imports).

Then the changed-line filter (findings of line-filtered units count on added or changed
lines, or when their `scope` holds one; `all_lines` keeps everything; file-level findings
count whenever the file changed), the new-violations filter (a finding the file's old
version already had, by fingerprint, is not the change's: `engine.new_only`), the suppression
stage (`suppressions.stage`), the offending source line of each finding, and the baseline
(a finding `.agent-guard-baseline.json` records is marked, `verdict.baseline`). Check modules
are imported only when a unit of theirs exists, so a commit that touches no Python file
never imports the AST walker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from agent_guard.changes.git import BlobTooLarge
from agent_guard.changes.model import ChangedFile, ChangeSet, Lines, ObjectReader, TreeReader
from agent_guard.checks.base import (
    Context,
    FileUnit,
    MessageUnit,
    RefUnit,
    Unit,
    enabled_by_unit,
    run_checks,
    unit_of,
)
from agent_guard.engine.cache import EngineOptions, RunCache
from agent_guard.engine.python_files import PYTHON_SUFFIXES, is_python_binary, is_python_source
from agent_guard.engine.workers import Workers
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy

__all__ = ["EngineOptions", "RunCache", "run"]

log = logging.getLogger(__name__)

_NO_SETTINGS = CheckSettings("", Severity.WARNING)
WHOLE_FILES = "files"  # the ChangeSet kind of `agent-guard check` (changes/files.py)
Units = list[tuple[str | None, tuple[ChangedFile, ...]]]
FileOf = Callable[[Finding], ChangedFile | None]


def _with_project(policy: Policy, tree: TreeReader | None) -> Policy:
    """The policy with what the checked tree's packaging states (requires-python, console
    scripts) filled into the options no config set (`policy.project`); read only when a
    check that uses it is on."""
    from agent_guard.policy.project import FILLED, read_project, with_project

    if tree is None or not any(slug in policy.checks for slug, _, _ in FILLED):
        return policy
    return with_project(policy, read_project(tree))


def run(
    changes: ChangeSet,
    policy: Policy,
    objects: ObjectReader,
    tree: TreeReader | None,
    options: EngineOptions,
    cache: RunCache | None = None,
) -> list[Finding]:
    """Every finding of every enabled check on `changes`, filtered to changed lines, sorted.

    Suppressed findings are kept, marked with the suppression that named them.
    """
    if cache is None:
        cache = RunCache()
        try:
            return run(changes, policy, objects, tree, options, cache)
        finally:
            cache.flush()
    policy = _with_project(policy, tree)
    groups = enabled_by_unit(policy)
    if changes.kind == WHOLE_FILES:  # `agent-guard check`: content, not a change to judge
        for unit in (Unit.PATH, Unit.MESSAGE, Unit.REF):
            groups.pop(unit, None)
    # `run_checks` gives each check its own settings; this placeholder is never read.
    context = Context(_NO_SETTINGS, policy, changes, objects, tree, options.cache_dir)
    units: Units = [(change.commit.oid, change.files) for change in changes.commits] or [
        (None, changes.files)
    ]
    findings: list[Finding] = []
    code_findings: list[Finding] = []
    imports: dict[str, tuple[Any, ...]] = {}
    workers = Workers(policy, objects)
    try:
        python_files = [file for file in changes.files if is_python_source(file)]
        pending = None
        if python_files and (Unit.PYTHON in groups or Unit.IMPORTS in groups):
            from agent_guard.engine import python_unit

            pending = python_unit.start(python_files, policy, objects, options, cache, workers)
        for commit, files in units:
            for file in files:
                findings += _run_applicable(groups.get(Unit.PATH, ()), file, commit, context)
        if Unit.CONTENT in groups:
            from agent_guard.engine import content_unit

            findings += content_unit.run(
                groups[Unit.CONTENT], units, context, options, cache, workers
            )
        for file, result in pending() if pending is not None else ():
            code_findings += result.findings
            if result.imports is not None:
                imports[file.path] = result.imports
        numbered = [file for file in changes.files if file.new_oid not in cache.lone_cr]
        judge_new = not options.all_lines and changes.kind != WHOLE_FILES
        if judge_new:
            from agent_guard.engine import new_only

            stage = new_only.Run(changes, policy, objects, options, cache, workers)
        previous = None
        if judge_new and Unit.IMPORTS in groups:
            # The old blobs of the files the walk flagged are walked by the workers while
            # this process builds the import graph (one core each); `new_only` then finds
            # them in the run cache. The same walk, only sooner: the verdicts do not change.
            walked = _line_filter(code_findings, numbered, options.all_lines)
            previous = new_only.walk_previous(walked, stage)
        if Unit.IMPORTS in groups:
            from agent_guard.checks.architecture import run_imports

            code_findings += run_imports(groups[Unit.IMPORTS], imports, context)
        if previous is not None:
            previous()
        kept = _line_filter(code_findings, numbered, options.all_lines)
        if judge_new:
            kept = new_only.new_only(kept, stage)
    finally:
        workers.close()
    findings += kept
    for change in changes.commits:
        found = run_checks(
            groups.get(Unit.MESSAGE, ()), MessageUnit(change.commit, change.files), context
        )
        findings += [f._replace(commit=f.commit or change.commit.oid) for f in found]
    if changes.ref is not None:
        findings += run_checks(groups.get(Unit.REF, ()), RefUnit(changes.ref, changes), context)

    file_of = _file_finder(changes)
    findings = _suppression_stage(findings, changes, file_of, policy, objects, cache, options)
    findings = [_with_source(finding, file_of, objects, cache) for finding in findings]
    if policy.baseline:  # after the source: a fingerprint of a non-code finding quotes it
        from agent_guard.verdict import baseline

        whole = changes.kind == WHOLE_FILES
        findings = baseline.mark(findings, policy.baseline, whole_files=whole)
    return sorted(set(findings), key=lambda f: (*f.sort_key, f.commit or ""))


def _run_applicable(
    group: Sequence[CheckSettings], file: ChangedFile, commit: str | None, context: Context
) -> list[Finding]:
    """The path checks whose include/exclude cover the file; each finding is the commit's."""
    applicable = [settings for settings in group if settings.applies_to(file.path)]
    if not applicable:
        return []
    found = run_checks(applicable, FileUnit(file, commit), context)
    return [f if f.commit is not None else f._replace(commit=commit) for f in found]


# -- filter, suppressions, source ----------------------------------------------------------


def _as_lines(lines: AbstractSet[int]) -> Lines:
    return lines if isinstance(lines, Lines) else Lines(lines)


def _line_filter(
    findings: Iterable[Finding], files: Iterable[ChangedFile], all_lines: bool
) -> list[Finding]:
    """Keep code findings on added/changed lines (or whose scope contains one)."""
    if all_lines:
        return list(findings)
    # As `Lines` (what the diff parser gives; any other set is converted once): a scope's
    # test is then one bisect, not a scan of the file's added lines per finding.
    added = {file.path: _as_lines(file.added_lines) for file in files if not is_python_binary(file)}
    kept: list[Finding] = []
    for finding in findings:
        lines = added.get(finding.path)
        if (
            lines is None  # a file outside the change: the check chose to report it there
            or finding.line <= 0
            or finding.file_level
            or not unit_of(finding.check).line_filtered
        ):
            kept.append(finding)
            continue
        first, last = finding.scope or (finding.line, finding.line)
        if finding.line in lines or lines.overlaps(first, last):
            kept.append(finding)
    return kept


def _suppression_stage(
    findings: list[Finding],
    changes: ChangeSet,
    file_of: FileOf,
    policy: Policy,
    objects: ObjectReader,
    cache: RunCache,
    options: EngineOptions,
) -> list[Finding]:
    """The suppression stage (`suppressions.stage`), fed with each file's suppressions:
    those the walk found, else read from the blob of a file that has a finding."""
    from agent_guard.verdict import suppressions

    def suppressions_of(file: ChangedFile) -> Mapping[int, suppressions.Suppression]:
        oid = file.new_oid or ""
        known = cache.suppressions.get(oid)
        if known is not None or (oid, file.path) in cache.python:
            return known or {}
        lines = _text_lines(objects, oid, cache)
        text = "\n".join(lines) if lines is not None else ""
        found = suppressions.find_suppressions(text, python=file.path.endswith(PYTHON_SUFFIXES))
        cache.suppressions[oid] = found
        return found

    def lookup(finding: Finding) -> Mapping[int, suppressions.Suppression] | None:
        file = file_of(finding)
        return None if file is None or file.new_oid is None else suppressions_of(file)

    walked = {
        file.path: cache.suppressions.get(file.new_oid or "", {})
        for file in changes.files
        if (file.new_oid or "", file.path) in cache.python
    }
    added = {file.path: file.added_lines for file in changes.files}
    allowed = options.may_suppress or suppressions.may_suppress
    return suppressions.stage(findings, lookup, walked, added, policy, options.all_lines, allowed)


def _text_lines(objects: ObjectReader, oid: str, cache: RunCache) -> list[str] | None:
    """A blob's lines, decoded once per run; None when it is too large to read."""
    lines = cache.texts.get(oid)
    if lines is not None:
        return lines
    from agent_guard.checks.pysource import SourceError, decode

    try:
        data = objects.read_blob(oid)
    except BlobTooLarge as error:
        log.info("skipping %s: %d bytes is over the size limit", oid, error.size)
        return None
    try:
        text = decode(data)
    except SourceError:
        text = data.decode("utf-8", "replace")
    lines = cache.texts[oid] = text.splitlines()
    return lines


def _with_source(
    finding: Finding, file_of: FileOf, objects: ObjectReader, cache: RunCache
) -> Finding:
    """Fill `source` with the offending line (content findings quote themselves, masked).

    A path finding (a protected or policy file changed) points at the first added line; when
    that line is blank it moves to the first added line with text, so the report quotes
    what the change did rather than an empty line.
    """
    unit = unit_of(finding.check)
    if finding.source is not None or unit is Unit.CONTENT or finding.line <= 0:
        return finding
    file = file_of(finding)
    if file is None or file.new_oid is None:
        return finding
    lines = _text_lines(objects, file.new_oid, cache)
    if lines is None or finding.line > len(lines):
        return finding
    if not lines[finding.line - 1].strip() and unit is Unit.PATH:
        line = next(
            (n for n in sorted(file.added_lines) if n <= len(lines) and lines[n - 1].strip()),
            finding.line,
        )
        finding = finding._replace(line=line)
    return finding._replace(source=lines[finding.line - 1].rstrip())


def _file_finder(changes: ChangeSet) -> FileOf:
    """The changed file (of the finding's commit, if any) whose new blob a finding is in.

    Indexed by commit, then path, as first asked: a scan of the push's commits per finding
    was minutes on a push of 58,057 commits.
    """
    by_commit = {change.commit.oid: change.files for change in changes.commits}
    indexed: dict[str | None, dict[str, ChangedFile]] = {}

    def file_of(finding: Finding) -> ChangedFile | None:
        paths = indexed.get(finding.commit)
        if paths is None:
            files = changes.files if finding.commit is None else by_commit.get(finding.commit, ())
            paths = indexed[finding.commit] = {}
            for file in files:
                if file.has_content:
                    paths.setdefault(file.path, file)
        return paths.get(finding.path)

    return file_of
