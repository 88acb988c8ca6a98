"""The checks of unit `python`: their base class, which of them run on a file, and one
blob checked end to end (decode, parse, walk, fingerprints: `check_blob`).
"""

from __future__ import annotations

import ast
import gc
import importlib
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, TypeVar

from agent_guard.checks.base import make_finding
from agent_guard.checks.options import Option
from agent_guard.checks.pysource import ImportRecord
from agent_guard.checks.python.scopes import Handler, Walk
from agent_guard.checks.python.walk import walk_tree
from agent_guard.checks.registry import BY_SLUG, Unit
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy

if TYPE_CHECKING:
    from agent_guard.checks.pysource import SourceError
    from agent_guard.verdict.suppressions import Suppression


def walker_checks() -> list[str]:
    """Slugs of the checks that plug into the walk (unit `python`), in dispatch order."""
    return [slug for slug, info in BY_SLUG.items() if info.unit is Unit.PYTHON]


#: Calls whose result is an instance of a known type, beyond classes (CapWords names).
C = TypeVar("C")


class Check(Generic[C]):
    """Base of every check that runs in the walk (see the module docstring)."""

    slug: ClassVar[str]

    def __init__(self, walk: Walk, settings: CheckSettings, config: C) -> None:
        self.walk = walk
        self.settings = settings
        self.config = config

    @classmethod
    def configure(cls, settings: CheckSettings) -> C:
        """Compile the check's options once per policy (default: nothing to compile)."""
        return None  # type: ignore[return-value]

    @classmethod
    def skips(cls, config: C, path: str) -> bool:
        """True when the check does not run on `path` at all (e.g. print-call on tests),
        beyond the include/exclude globs of its settings."""
        return False

    def report(
        self,
        node: ast.AST | tuple[int, int],
        message: str,
        fix: str,
        *,
        scope: tuple[int, int] | None = None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Record a finding at `node` (or at a 1-based (line, column))."""
        if isinstance(node, tuple):
            line, column = node
        else:
            line = getattr(node, "lineno", 1)
            column = getattr(node, "col_offset", 0) + 1
        self.walk.findings.append(
            make_finding(self.settings, self.walk.path, line, column, message, fix,
                         scope=scope, extra=extra)
        )  # fmt: skip


def option(settings: CheckSettings, declared: Sequence[Option[Any]], name: str) -> Any:
    """A check option by name: the configured value, or the declared default (typed)."""
    for declaration in declared:
        if declaration.name == name:
            return declaration.value(settings)
    raise KeyError(f"{settings.slug} declares no option {name!r}")


def option_strings(
    settings: CheckSettings, declared: Sequence[Option[Any]], name: str
) -> list[str]:
    strings: list[str] = option(settings, declared, name)
    return strings


def option_mapping(
    settings: CheckSettings, declared: Sequence[Option[Any]], name: str
) -> dict[str, str]:
    mapping: dict[str, str] = option(settings, declared, name)
    return mapping


def builtin_qualified(name: str) -> str:
    """Configured names without a module (`print`) mean the builtin (`builtins.print`)."""
    return name if "." in name else "builtins." + name


def function_scope(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> tuple[int, int]:
    """The (first, last) lines of a definition, decorators included."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return first, node.end_lineno or node.lineno


def signature_scope(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int]:
    """The (first, last) lines of a definition's decorators and signature, without the body."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    body_start = node.body[0].lineno if node.body else node.lineno
    return first, max(node.lineno, body_start - 1)


class PythonResult(NamedTuple):
    """All findings of the enabled code checks on one file, and every import it makes."""

    findings: list[Finding]
    imports: tuple[ImportRecord, ...]


# ---------------------------------------------------------------------------------------------
# plans: which check classes run for a (policy, path), with their compiled configuration


class _Planned(NamedTuple):
    check: type[Check[Any]]
    settings: CheckSettings
    config: Any


_HANDLERS: dict[type, tuple[tuple[str, type[ast.AST], str], ...]] = {}
_CONFIGS: dict[tuple[int, str], tuple[CheckSettings, Any]] = {}
_PLANS: dict[tuple[int, tuple[bool, ...]], tuple[Policy, tuple[_Planned, ...]]] = {}


def check_class(slug: str) -> type[Check[Any]] | None:
    """The walker check a slug's module exposes as `CHECK`, or None."""
    info = BY_SLUG.get(slug)
    if info is None:
        return None
    try:
        module = importlib.import_module(info.module)
    except ModuleNotFoundError as error:
        if error.name != info.module:
            raise
        return None  # a check whose module is not written (yet)
    found = getattr(module, "CHECK", None)
    return found if isinstance(found, type) and issubclass(found, Check) else None


def _concrete(node_type: type[ast.AST]) -> Iterator[type[ast.AST]]:
    pending = [node_type]
    while pending:
        current = pending.pop()
        subclasses = current.__subclasses__()
        if current._fields or not subclasses:
            yield current  # concrete (deprecated aliases such as ast.Num are never built)
        else:
            pending.extend(subclasses)


def handler_table(check: type[Check[Any]]) -> tuple[tuple[str, type[ast.AST], str], ...]:
    """(enter|leave, node class, method name) for every handler method of `check`."""
    table = _HANDLERS.get(check)
    if table is None:
        rows: list[tuple[str, type[ast.AST], str]] = []
        for name in dir(check):
            when, _, node_name = name.partition("_")
            if when not in ("enter", "leave") or not node_name:
                continue
            node_type = vars(ast).get(node_name)
            if not (isinstance(node_type, type) and issubclass(node_type, ast.AST)):
                raise TypeError(f"{check.__name__}.{name}: ast has no node class {node_name}")
            rows.extend((when, concrete, name) for concrete in _concrete(node_type))
        table = _HANDLERS[check] = tuple(rows)
    return table


def _plan(policy: Policy, path: str) -> tuple[_Planned, ...]:
    enabled = [(slug, policy.checks[slug]) for slug in walker_checks() if slug in policy.checks]
    applies = tuple(settings.applies_to(path) for _, settings in enabled)
    key = (id(policy), applies)
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is policy:
        return cached[1]
    planned: list[_Planned] = []
    for (slug, settings), runs in zip(enabled, applies, strict=True):
        check = check_class(slug) if runs else None
        if check is None:
            continue
        config_key = (id(settings), slug)
        configured = _CONFIGS.get(config_key)
        if configured is None or configured[0] is not settings:
            configured = _CONFIGS[config_key] = (settings, check.configure(settings))
        planned.append(_Planned(check, settings, configured[1]))
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[key] = (policy, tuple(planned))
    return tuple(planned)


def check_python(path: str, text: str, tree: ast.Module, policy: Policy) -> PythonResult:
    """Run every enabled code check that applies to `path` in one walk over `tree`.

    Returns the findings for the whole file (the engine keeps those on changed lines and
    applies the suppression stage afterwards), and every import the file makes.
    """
    walk = Walk(path, text, policy)
    enter: dict[type, list[Handler]] = {}
    leave: dict[type, list[Handler]] = {}
    for planned in _plan(policy, path):
        if planned.check.skips(planned.config, path):
            continue
        instance = planned.check(walk, planned.settings, planned.config)
        for when, node_type, name in handler_table(planned.check):
            table = enter if when == "enter" else leave
            table.setdefault(node_type, []).append(getattr(instance, name))
    try:
        walk_tree(walk, tree, {k: tuple(v) for k, v in enter.items()},
                  {k: tuple(v) for k, v in leave.items()})  # fmt: skip
    except RecursionError:
        _too_deep(walk, policy)
    return PythonResult(walk.findings, tuple(walk.imports))


class BlobResult(NamedTuple):
    """What checking one Python blob gives the engine: everything it needs afterwards.

    `findings` cover the whole file, with their source lines filled in (so a result kept
    across runs never needs the blob again); `imports` feed the architecture checks (None
    when the file was not walked); `lone_cr`: the text has a lone CR, which Python counts
    as a line break and git does not, so git's added line numbers do not apply;
    `suppressions`: its inline suppression comments, for the suppression stage.
    """

    findings: tuple[Finding, ...]
    imports: tuple[ImportRecord, ...] | None
    lone_cr: bool
    suppressions: tuple[Suppression, ...] = ()


def check_blob(path: str, data: bytes, policy: Policy) -> BlobResult:
    """Decode, parse and walk one Python blob (a file that does not parse is a finding).

    The cyclic garbage collector is paused meanwhile. The walk makes no reference cycles
    (`tests/checks/test_walk_cycles.py` holds it to that), so reference counting frees all
    it allocates; the collector would only re-scan the live tree, which a large file's
    parse triggers it to do hundreds of times: 9 s of CPU (12%) on a 1,000-commit sympy push.
    """
    if not gc.isenabled():
        return _check_blob(path, data, policy)
    gc.disable()
    try:
        return _check_blob(path, data, policy)
    finally:
        gc.enable()


def _check_blob(path: str, data: bytes, policy: Policy) -> BlobResult:
    from agent_guard.checks.pysource import SourceError, decode, parse
    from agent_guard.verdict.suppressions import find_suppressions

    try:
        text = decode(data)
    except SourceError as error:
        return BlobResult(tuple(_unparsable(path, error, policy)), (), False)
    lines = text.splitlines()
    lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
    suppressions = tuple(find_suppressions(text).values())
    try:
        tree = parse(text, path)
    except SourceError as error:
        unparsable = _unparsable(path, error, policy)
        return BlobResult(_sourced(unparsable, lines), (), lone_cr, suppressions)
    result = check_python(path, text, tree, policy)
    return BlobResult(_fingerprinted(result.findings, lines, tree), result.imports, lone_cr,
                      suppressions)  # fmt: skip


def _fingerprinted(
    findings: Sequence[Finding], lines: list[str], tree: ast.Module
) -> tuple[Finding, ...]:
    """Each finding with its source line and its fingerprint, computed while the tree is at
    hand (and cached with it), so comparing with the file's old version never parses twice.
    One `replace` per finding: a file of old code has hundreds, and each costs."""
    if not findings:
        return ()
    from agent_guard.checks.fingerprint import fingerprint

    done = []
    for finding in findings:
        source = finding.source
        if source is None and 0 < finding.line <= len(lines):
            source = lines[finding.line - 1].rstrip()
        key = fingerprint(finding, lines, tree)
        done.append(finding._replace(source=source, fingerprint=key))
    return tuple(done)


def _sourced(findings: Sequence[Finding], lines: list[str]) -> tuple[Finding, ...]:
    return tuple(
        finding
        if finding.source is not None or not 0 < finding.line <= len(lines)
        else finding._replace(source=lines[finding.line - 1].rstrip())
        for finding in findings
    )


def _unparsable(path: str, error: SourceError, policy: Policy) -> list[Finding]:
    settings = policy.enabled("syntax-error")
    if settings is None or not settings.applies_to(path):
        return []
    return [syntax_error_finding(path, error, settings)._replace(file_level=True)]


def too_large(path: str, size: int, limit: int, policy: Policy) -> BlobResult:
    """A Python file over the size limit needs an approver: no code check has read it.

    An escalation, not a warning: padding a file past the limit would otherwise carry any
    code (a print(), a forbidden import) past every check with a warning that does not
    block. Its secrets are still scanned (the content unit streams large blobs).
    """
    settings = policy.enabled("syntax-error")
    if settings is None or not settings.applies_to(path):
        return BlobResult((), None, False)
    message = (
        f"too large to check: needs an approver ({size / 2**20:.1f} MB > "
        f"{limit / 2**20:g} MB; no code check read it)"
    )
    fix = (
        "split the file, or move data out of Python source; or ask an approver to review "
        "it and approve this change"
    )
    finding = make_finding(settings, path, 1, 1, message, fix)
    return BlobResult((finding._replace(file_level=True, severity=Severity.ESCALATE),), None, False)


def _too_deep(walk: Walk, policy: Policy) -> None:
    """A tree too deep to walk is reported like a file that does not parse."""
    from agent_guard.checks.pysource import SourceError

    settings = policy.checks.get("syntax-error")
    if settings is not None and settings.applies_to(walk.path):
        error = SourceError("too deeply nested to check")
        walk.findings.append(syntax_error_finding(walk.path, error, settings))


def syntax_error_finding(path: str, error: SourceError, settings: CheckSettings) -> Finding:
    """The finding for a file `pysource.decode`/`parse` (or the walker) could not handle.

    Advisory when the failing line may use syntax newer than the running Python (that
    `pysource` could not translate): this parser cannot judge such a file.
    """
    if error.newer is not None:
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        finding = make_finding(
            settings,
            path,
            max(error.line, 1),
            max(error.column, 1),
            f"not checked: the file does not parse on Python {running}, which agent-guard "
            f"runs on ({error.message}), and may use newer syntax ({error.newer})",
            f"run agent-guard on {error.newer.partition(':')[0]} or newer to check this file "
            "(for pre-commit: `language_version`); no other code check ran on it",
        )
        return finding._replace(severity=Severity.ADVISORY)
    return make_finding(
        settings,
        path,
        max(error.line, 1),
        max(error.column, 1),
        f"the file does not parse: {error.message}",
        "correct the syntax (or the encoding) at this line; no other code check can run on "
        "this file until it parses",
    )
