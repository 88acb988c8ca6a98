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
version already had, by fingerprint, is not the change's: `_new_only`), the suppression
stage (`suppressions.stage`), the offending source line of each finding, and the baseline
(a finding `.agent-guard-baseline.json` records is marked, `verdict.baseline`). Check modules
are imported only when a unit of theirs exists, so a commit that touches no Python file
never imports the AST walker.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from agent_guard.changes.git import BlobTooLarge
from agent_guard.changes.model import ChangedFile, ChangeSet, ObjectReader, Status, TreeReader
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
from agent_guard.engine.workers import Workers
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy

__all__ = ["EngineOptions", "RunCache", "run"]

log = logging.getLogger(__name__)

PYTHON_SUFFIXES = (".py", ".pyi")
_NO_SETTINGS = CheckSettings("", Severity.WARNING)
WHOLE_FILES = "files"  # the ChangeSet kind of `agent-guard check` (changes/files.py)
Units = list[tuple[str | None, tuple[ChangedFile, ...]]]


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
        previous = None
        if judge_new and Unit.IMPORTS in groups:
            # The old blobs of the files the walk flagged are walked by the workers while
            # this process builds the import graph (one core each); `_new_only` then finds
            # them in the run cache. The same walk, only sooner: the verdicts do not change.
            walked = _line_filter(code_findings, numbered, options.all_lines)
            previous = _walk_previous(walked, changes, policy, objects, options, cache, workers)
        if Unit.IMPORTS in groups:
            from agent_guard.checks.architecture import run_imports

            code_findings += run_imports(groups[Unit.IMPORTS], imports, context)
        if previous is not None:
            previous()
        kept = _line_filter(code_findings, numbered, options.all_lines)
        if judge_new:
            kept = _new_only(kept, changes, policy, objects, options, cache, workers)
    finally:
        workers.close()
    findings += kept
    for change in changes.commits:
        found = run_checks(groups.get(Unit.MESSAGE, ()), MessageUnit(change.commit), context)
        findings += [replace(f, commit=f.commit or change.commit.oid) for f in found]
    if changes.ref is not None:
        findings += run_checks(groups.get(Unit.REF, ()), RefUnit(changes.ref, changes), context)

    findings = _suppression_stage(findings, changes, policy, objects, cache, options)
    findings = [_with_source(finding, changes, objects, cache) for finding in findings]
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
    return [f if f.commit is not None else replace(f, commit=commit) for f in found]


def is_python_source(file: ChangedFile) -> bool:
    """A new Python blob to parse — even one git calls binary (a NUL byte, or a `binary`
    attribute in .gitattributes): skipping those would let one attribute line hide code."""
    return file.path.endswith(PYTHON_SUFFIXES) and (file.has_content or _is_python_binary(file))


def _is_python_binary(file: ChangedFile) -> bool:
    """A Python file git diffed as binary: no hunks, so every line counts as changed."""
    return (
        file.binary
        and file.new_oid is not None
        and file.status is not Status.DELETED
        and not file.is_symlink
        and not file.is_submodule
        and file.path.endswith(PYTHON_SUFFIXES)
    )


# -- filter, suppressions, source ----------------------------------------------------------


def _line_filter(
    findings: Iterable[Finding], files: Iterable[ChangedFile], all_lines: bool
) -> list[Finding]:
    """Keep code findings on added/changed lines (or whose scope contains one)."""
    if all_lines:
        return list(findings)
    added = {file.path: file.added_lines for file in files if not _is_python_binary(file)}
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
        if finding.line in lines or any(first <= line <= last for line in lines):
            kept.append(finding)
    return kept


_EDITED = (Status.MODIFIED, Status.RENAMED, Status.COPIED, Status.TYPE_CHANGED)


def _walk_previous(
    findings: list[Finding],
    changes: ChangeSet,
    policy: Policy,
    objects: ObjectReader,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> Callable[[], object] | None:
    """Start walking the previous versions `_new_only` will ask for (results land in the
    run cache when the returned call is made); None when there are none."""
    flagged = {f.path for f in findings if f.fingerprint is not None and not f.file_level}
    previous = _previous(changes, lambda file: file.path in flagged)
    if not previous:
        return None
    from agent_guard.engine import python_unit

    return python_unit.start(previous, policy, objects, options, cache, workers)


def _new_only(
    findings: list[Finding],
    changes: ChangeSet,
    policy: Policy,
    objects: ObjectReader,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> list[Finding]:
    """Keep the walk's findings that the change creates, not those it only touches or moves.

    A finding on a changed line is old when the same checks on the file's previous blob
    (under the new path, so the same checks apply) found one with the same fingerprint
    (`checks.fingerprint`: check, enclosing name, normalised code). Only files that still
    have a finding after the line filter read their old blob, so a clean commit pays
    nothing; an old blob that does not parse has no fingerprints, and everything stays.
    A definition renamed in place, with no part its predecessor lacked, is not new
    (`renamed_in_place`). What is still new is then matched against what went away from the
    change's edited and deleted files (`_moved`): code moved to another module, or renamed
    as the commit renames others, is not new either.
    """
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.fingerprint is not None and not finding.file_level:
            by_path.setdefault(finding.path, []).append(finding)
    if not by_path:
        return findings
    from agent_guard.checks.fingerprint import renamed_in_place, select_new

    previous = _previous(changes, lambda file: file.path in by_path)
    dropped: set[int] = set()
    for file, result in _walk(previous, policy, objects, options, cache, workers):
        old = [f.fingerprint for f in result.findings if f.fingerprint is not None]
        # Counted over the whole new file: two `print(x)` where the old file had one leave
        # one new, the later one (which is what the line filter kept, if it was added).
        whole = cache.python[(_new_oid(changes, file.path), file.path)].findings
        ordered = sorted(
            (f for f in whole if f.fingerprint is not None), key=lambda f: (f.line, f.column)
        )
        new = {(f.check, f.line, f.column) for f in select_new(
            [(f, f.fingerprint or "") for f in ordered], old
        )}  # fmt: skip
        texts = [_text_of(objects, oid) for oid in (file.new_oid, _new_oid(changes, file.path))]
        renamed = renamed_in_place(result.findings, ordered, *texts)
        new -= {(f.check, f.line, f.column) for f in renamed}
        dropped.update(id(f) for f in by_path[file.path] if (f.check, f.line, f.column) not in new)
    remaining = [f for found in by_path.values() for f in found if id(f) not in dropped]
    if remaining:
        dropped.update(_moved(remaining, changes, policy, objects, options, cache, workers))
    if dropped:
        log.info("%d finding(s) the change only touched or moved: not new", len(dropped))
    return [finding for finding in findings if id(finding) not in dropped]


def _moved(
    remaining: list[Finding],
    changes: ChangeSet,
    policy: Policy,
    objects: ObjectReader,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> set[int]:
    """The ids of the `remaining` findings that the change carried from another place: each
    of their parts went away from a file the change edits or deletes (`checks.fingerprint.
    not_moved`). What went away from a file is what its old version had and its new one
    has not, compared on what the findings say (`moved_keys`), not where."""
    from agent_guard.checks.fingerprint import (
        Definitions,
        move_sources,
        moved_keys,
        not_moved,
    )

    gone: list[Finding] = []
    new_oids = {file.path: file.new_oid for file in changes.files}
    everything = _previous(changes, lambda _: True)
    wanted = [oid for file in everything for oid in (file.new_oid, new_oids[file.path]) if oid]
    blobs = objects.read_blobs(wanted)  # in order: each file's old text, then its new one

    def with_texts() -> Iterator[tuple[ChangedFile, bytes | None, bytes | None]]:
        for file in everything:
            old = next(blobs)[1] if file.new_oid else None
            new = next(blobs)[1] if new_oids[file.path] else b""  # deleted: every line lost
            yield file, old, new

    sources = move_sources(remaining, with_texts())
    texts = {file.path: (old or b"", new or b"") for file, old, new in sources}
    walked = _walk([file for file, _, _ in sources], policy, objects, options, cache, workers)
    for file, result in walked:
        new_oid = new_oids.get(file.path)
        now = cache.python.get((new_oid, file.path)) if new_oid else None
        still = Counter(key for f in (now.findings if now else ()) for key in moved_keys(f))
        # Moved away means its definition left the file; one still there was fixed in place.
        old_text, new_text = texts[file.path]
        was_defined = Definitions(old_text)
        defined_now = set(Definitions(new_text).qualified.values())
        for finding in result.findings:
            keys = moved_keys(finding)
            if any(still[key] <= 0 for key in keys):
                owner = was_defined.enclosing(finding.line)
                if owner is None or owner not in defined_now:
                    gone.append(finding)
            still.subtract(keys)
    if not gone:
        return set()
    kept = {id(f) for f in not_moved(remaining, gone)}
    return {id(f) for f in remaining if id(f) not in kept}


def _previous(changes: ChangeSet, wanted: Callable[[ChangedFile], bool]) -> list[ChangedFile]:
    """The old blobs of the edited and deleted Python files `wanted` picks, as files to walk
    (under their new path, so the same checks apply)."""
    return [
        old
        for file in changes.files
        if file.status in _EDITED or file.status is Status.DELETED
        if file.old_oid and set(file.old_oid) != {"0"} and wanted(file)
        for old in [replace(file, status=Status.MODIFIED, new_oid=file.old_oid, old_oid=None)]
        if is_python_source(old)
    ]


def _walk(
    files: list[ChangedFile],
    policy: Policy,
    objects: ObjectReader,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> list[tuple[ChangedFile, Any]]:
    """The walk of `files` on the run's worker pool (blobs the run walked already come from
    the run cache)."""
    if not files:
        return []
    from agent_guard.engine import python_unit

    return list(python_unit.start(files, policy, objects, options, cache, workers)())


def _text_of(objects: ObjectReader, oid: str | None) -> bytes:
    """A blob's content for a text comparison; empty when there is none or it is too large
    (nothing then pairs with it)."""
    if not oid:
        return b""
    try:
        return objects.read_blob(oid)
    except BlobTooLarge:
        return b""


def _new_oid(changes: ChangeSet, path: str) -> str:
    for file in changes.files:
        if file.path == path:
            return file.new_oid or ""
    return ""


def _suppression_stage(
    findings: list[Finding],
    changes: ChangeSet,
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
        file = _file_of(finding, changes)
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
    finding: Finding, changes: ChangeSet, objects: ObjectReader, cache: RunCache
) -> Finding:
    """Fill `source` with the offending line (content findings quote themselves, masked).

    A path finding (a protected or policy file changed) points at the first added line; when
    that line is blank it moves to the first added line with text, so the report quotes
    what the change did rather than an empty line.
    """
    unit = unit_of(finding.check)
    if finding.source is not None or unit is Unit.CONTENT or finding.line <= 0:
        return finding
    file = _file_of(finding, changes)
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
        finding = replace(finding, line=line)
    return replace(finding, source=lines[finding.line - 1].rstrip())


def _file_of(finding: Finding, changes: ChangeSet) -> ChangedFile | None:
    """The changed file (of the finding's commit, if any) whose new blob the finding is in."""
    files: Iterable[ChangedFile] = changes.files
    if finding.commit is not None:
        files = next((c.files for c in changes.commits if c.commit.oid == finding.commit), ())
    for file in files:
        if file.path == finding.path and file.has_content:
            return file
    return None
