"""The repository's `.agent-guard.yaml` (or `[tool.agent-guard]` in pyproject.toml), validated.

The rule file says *what* is required; the config says how it maps onto this code base:
which folders are "the WhatsApp integration" or "the DB", who may approve an escalation,
which checks run where and how strictly. A mistake here silently weakens enforcement, so
every unknown key, wrong type or undefined component is an error naming its file and line.

Values are read together with their positions (YAML nodes carry marks; for TOML the line of
the key is found in the text), so the validator can point at the exact line.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent_guard.checks.options import Option, OptionTypeError
from agent_guard.checks.registry import lookup
from agent_guard.errors import UsageError
from agent_guard.model import Severity
from agent_guard.policy.saferegex import UnsafePattern, check_pattern

log = logging.getLogger(__name__)

TOP_LEVEL_KEYS = (
    "rules",
    "exclude",
    "components",
    "boundaries",
    "escalation",
    "checks",
    "bindings",
)
COMPONENT_KEYS = ("paths", "modules", "aliases")
BOUNDARY_KEYS = ("from", "to", "indirect")
ESCALATION_KEYS = ("approvers", "protected", "allowed_signers", "pusher_env", "server_suppressible")
# Checks whose findings the server never lets a push suppress without an approval.
NEVER_SERVER_SUPPRESSIBLE = ("secret",)
CHECK_KEYS = ("severity", "enabled", "include", "exclude")
# Options the policy compiler itself fills in, accepted whatever the check module declares.
COMPILER_OPTIONS: dict[str, tuple[str, ...]] = {"llm-writes": ("components",)}


@dataclass(frozen=True, slots=True)
class Node:
    """A config value with the place it was written (1-based), for error messages."""

    value: object  # dict[str, Node] | list[Node] | str | int | float | bool | None
    line: int | None = None
    column: int | None = None
    key_line: int | None = None  # where the key of a mapping entry is (unknown-key errors)
    key_column: int | None = None


@dataclass(frozen=True, slots=True)
class ComponentConfig:
    name: str
    paths: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BoundaryConfig:
    source: str
    target: str
    indirect: bool = True


@dataclass(frozen=True, slots=True)
class CheckConfig:
    slug: str
    severity: Severity | None = None
    enabled: bool | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Binding:
    """`bindings:` entry: rules whose tag path equals `key`, or whose text matches it."""

    key: str
    checks: tuple[str, ...]

    def matches(self, tag_path: str, text: str) -> bool:
        return tag_path == self.key or re.search(self.key, text, re.IGNORECASE) is not None


@dataclass(frozen=True, slots=True)
class Config:
    path: str | None = None
    rules: tuple[str, ...] | None = None  # None: discover the usual places
    exclude: tuple[str, ...] = ()  # never checked, except by the path checks
    components: Mapping[str, ComponentConfig] = field(default_factory=dict)
    boundaries: tuple[BoundaryConfig, ...] = ()
    approvers: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    allowed_signers: tuple[str, ...] | None = None
    pusher_env: tuple[str, ...] = ()
    server_suppressible: tuple[str, ...] = ()  # slugs
    checks: Mapping[str, CheckConfig] = field(default_factory=dict)
    bindings: tuple[Binding, ...] = ()


def parse_yaml_config(text: str, path: str) -> Config:
    """Validate the text of a `.agent-guard.yaml`."""
    root = _yaml_nodes(text, path)
    if root.value is None:
        return Config(path=path)
    return _validate(root, path)


def parse_pyproject_config(text: str, path: str) -> Config | None:
    """The `[tool.agent-guard]` table of a pyproject.toml, or None when there is none."""
    import tomllib

    try:
        document = tomllib.loads(text)
    except RecursionError:  # tomllib recurses per level of nested arrays and tables
        raise UsageError("invalid TOML: nested too deeply", path) from None
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"at line (\d+), column (\d+)", str(error))
        line, column = (int(where[1]), int(where[2])) if where else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise UsageError(f"invalid TOML: {message}", path, line, column) from None
    tool = document.get("tool", {})
    table = tool.get("agent-guard") if isinstance(tool, dict) else None
    if table is None:
        return None
    header = re.search(r"^\s*\[\s*tool\.[\"']?agent-guard[\"']?\s*[\].]", text, re.MULTILINE)
    start = text.count("\n", 0, header.start()) + 1 if header else 1
    try:
        nodes = _toml_nodes(table, text.splitlines(), start)
    except RecursionError:
        raise UsageError("invalid TOML: nested too deeply", path) from None
    return _validate(nodes, path)


# --- positions ------------------------------------------------------------------------------


def _yaml_nodes(text: str, path: str) -> Node:
    import yaml

    try:
        loader = yaml.SafeLoader(text)  # checks the characters first (ReaderError)
    except yaml.reader.ReaderError as error:
        at_line, at_column = _position(text, error.position)
        raise UsageError(f"invalid YAML: {error.reason}", path, at_line, at_column) from None
    try:
        node = loader.get_single_node()
        return Node(None, 1, 1) if node is None else _from_yaml(node, loader, path)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise UsageError(f"invalid YAML: {problem}", path, line, column) from None
    except yaml.YAMLError as error:
        raise UsageError(f"invalid YAML: {' '.join(str(error).split())}", path) from None
    except RecursionError:  # `[[[[...` thousands deep: PyYAML's composer recurses per level
        raise UsageError("invalid YAML: nested too deeply", path) from None
    finally:
        loader.dispose()


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _from_yaml(node: Any, loader: Any, path: str) -> Node:
    import yaml

    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        mapping: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise UsageError(f"keys must be strings, got {key!r}", path, key_line, 1)
            if key in mapping:
                raise UsageError(
                    f"duplicate key {key!r}", path, key_line, key_node.start_mark.column + 1
                )
            value = _from_yaml(value_node, loader, path)
            key_column = key_node.start_mark.column + 1
            mapping[key] = Node(value.value, value.line, value.column, key_line, key_column)
        return Node(mapping, line, column)
    if isinstance(node, yaml.SequenceNode):
        return Node([_from_yaml(item, loader, path) for item in node.value], line, column)
    return Node(loader.construct_object(node, deep=True), line, column)


def _toml_nodes(value: object, lines: list[str], line: int) -> Node:
    """TOML values with the line of their key, searched from the table's header on."""
    if isinstance(value, dict):
        mapping: dict[str, Node] = {}
        for key, item in value.items():
            key_line = _find_key(lines, str(key), line)
            mapping[str(key)] = Node(
                _toml_nodes(item, lines, key_line).value, key_line, 1, key_line, 1
            )
        return Node(mapping, line, 1)
    if isinstance(value, list):
        return Node([_toml_nodes(item, lines, line) for item in value], line, 1)
    return Node(value, line, 1)


def _find_key(lines: list[str], key: str, start: int) -> int:
    pattern = re.compile(rf"""^\s*(?:\[+\s*)?(?:[\w.-]+\.)?["']?{re.escape(key)}["']?\s*[=\].]""")
    for number in range(start, len(lines) + 1):
        if pattern.search(lines[number - 1]):
            return number
    return start


# --- validation -----------------------------------------------------------------------------


class _Validator:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: Node, message: str) -> UsageError:
        return UsageError(message, self.path, node.line, node.column)

    def fail_key(self, node: Node, message: str) -> UsageError:
        line = node.key_line if node.key_line is not None else node.line
        column = node.key_column if node.key_line is not None else node.column
        return UsageError(message, self.path, line, column)

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...] | None) -> dict[str, Node]:
        if not isinstance(node.value, dict):
            raise self.fail(node, f"{what} must be a mapping, got {_kind(node.value)}")
        entries: dict[str, Node] = node.value
        if allowed is not None:
            for key, item in entries.items():
                if key not in allowed:
                    choices = ", ".join(allowed)
                    message = f"unknown key {key!r} in {what} (expected: {choices})"
                    raise self.fail_key(item, message)
        return entries

    def strings(self, node: Node, what: str) -> tuple[str, ...]:
        items = node.value if isinstance(node.value, list) else None
        if isinstance(node.value, str):
            items = [node]
        if items is None:
            raise self.fail(node, f"{what} must be a list of strings, got {_kind(node.value)}")
        result: list[str] = []
        for item in items:
            if not isinstance(item, Node) or not isinstance(item.value, str):
                bad = item if isinstance(item, Node) else node
                raise self.fail(bad, f"{what} must be a list of strings, got {_kind(bad.value)}")
            result.append(item.value)
        return tuple(result)

    def boolean(self, node: Node, what: str) -> bool:
        if not isinstance(node.value, bool):
            raise self.fail(node, f"{what} must be true or false, got {node.value!r}")
        return node.value

    def string(self, node: Node, what: str) -> str:
        if not isinstance(node.value, str) or not node.value:
            raise self.fail(node, f"{what} must be a non-empty string, got {node.value!r}")
        return node.value


def _validate(root: Node, path: str) -> Config:
    check = _Validator(path)
    top = check.mapping(root, "the config", TOP_LEVEL_KEYS)
    components = _components(check, top["components"]) if "components" in top else {}
    boundaries = _boundaries(check, top["boundaries"], components) if "boundaries" in top else ()
    escalation = (
        check.mapping(top["escalation"], "escalation", ESCALATION_KEYS)
        if ("escalation" in top)
        else {}
    )
    signers = escalation.get("allowed_signers")
    return Config(
        path=path,
        rules=check.strings(top["rules"], "rules") if "rules" in top else None,
        exclude=check.strings(top["exclude"], "exclude") if "exclude" in top else (),
        components=components,
        boundaries=boundaries,
        approvers=_optional_strings(check, escalation, "approvers", "escalation.approvers"),
        protected=_optional_strings(check, escalation, "protected", "escalation.protected"),
        allowed_signers=None if signers is None else check.strings(signers, "allowed_signers"),
        pusher_env=_optional_strings(check, escalation, "pusher_env", "escalation.pusher_env"),
        server_suppressible=_server_suppressible(check, escalation.get("server_suppressible")),
        checks=_checks(check, top["checks"]) if "checks" in top else {},
        bindings=_bindings(check, top["bindings"]) if "bindings" in top else (),
    )


def _server_suppressible(check: _Validator, node: Node | None) -> tuple[str, ...]:
    """`escalation.server_suppressible`: checks whose inline suppressions a push may add on
    the server without an approval (known checks only; never `secret`)."""
    if node is None:
        return ()
    what = "escalation.server_suppressible"
    check.strings(node, what)  # the type error, at the list
    items = node.value if isinstance(node.value, list) else [node]
    slugs: list[str] = []
    for item in items:
        assert isinstance(item, Node) and isinstance(item.value, str)
        info = lookup(item.value)
        if info is None:
            raise check.fail(item, f"{what}: unknown check {item.value!r}")
        if info.slug in NEVER_SERVER_SUPPRESSIBLE:
            raise check.fail(
                item, f"{what}: {info.slug} is never suppressible on the server without approval"
            )
        slugs.append(info.slug)
    return tuple(dict.fromkeys(slugs))


def _optional_strings(
    check: _Validator, table: dict[str, Node], key: str, what: str
) -> tuple[str, ...]:
    return check.strings(table[key], what) if key in table else ()


def _components(check: _Validator, node: Node) -> dict[str, ComponentConfig]:
    components: dict[str, ComponentConfig] = {}
    for name, entry in check.mapping(node, "components", None).items():
        if isinstance(entry.value, list | str):  # `db: ["app/db/**"]` is short for paths
            components[name] = ComponentConfig(name, paths=check.strings(entry, f"{name}.paths"))
            continue
        fields = check.mapping(entry, f"component {name!r}", COMPONENT_KEYS)
        component = ComponentConfig(
            name,
            paths=_optional_strings(check, fields, "paths", f"{name}.paths"),
            modules=_optional_strings(check, fields, "modules", f"{name}.modules"),
            aliases=_optional_strings(check, fields, "aliases", f"{name}.aliases"),
        )
        if not component.paths and not component.modules:
            raise check.fail(entry, f"component {name!r} needs paths or modules")
        components[name] = component
    return components


def _boundaries(
    check: _Validator, node: Node, components: Mapping[str, ComponentConfig]
) -> tuple[BoundaryConfig, ...]:
    if not isinstance(node.value, list):
        raise check.fail(node, f"boundaries must be a list, got {_kind(node.value)}")
    boundaries: list[BoundaryConfig] = []
    for item in node.value:
        fields = check.mapping(item, "a boundary", BOUNDARY_KEYS)
        for key in ("from", "to"):
            if key not in fields:
                raise check.fail(item, f"a boundary needs '{key}'")
            name = check.string(fields[key], f"boundary '{key}'")
            if name not in components:
                defined = ", ".join(sorted(components)) or "none"
                message = f"boundary names component {name!r}, which is not defined in "
                raise check.fail(fields[key], message + f"components (defined: {defined})")
        indirect = check.boolean(fields["indirect"], "indirect") if "indirect" in fields else True
        boundaries.append(
            BoundaryConfig(str(fields["from"].value), str(fields["to"].value), indirect)
        )
    return tuple(boundaries)


def _checks(check: _Validator, node: Node) -> dict[str, CheckConfig]:
    checks: dict[str, CheckConfig] = {}
    for name, entry in check.mapping(node, "checks", None).items():
        info = lookup(name)
        if info is None:
            raise check.fail_key(entry, f"unknown check {name!r} (see `agent-guard explain`)")
        declared = _declared_options(info.slug)
        allowed = None
        if declared is not None:
            allowed = (*CHECK_KEYS, *declared, *COMPILER_OPTIONS.get(info.slug, ()))
        fields = check.mapping(entry, f"checks.{name}", allowed)
        severity = None
        if "severity" in fields:
            word = check.string(fields["severity"], "severity")
            if word not in {s.value for s in Severity} - {Severity.ADVISORY.value}:
                raise check.fail(
                    fields["severity"], f"severity must be warning, error or escalate, got {word!r}"
                )
            severity = Severity(word)
        options: dict[str, object] = {}
        for key, value in fields.items():
            if key in CHECK_KEYS:
                continue
            declaration = None if declared is None else declared.get(key)
            options[key] = _option(check, value, declaration, f"checks.{name}.{key}")
        checks[info.slug] = CheckConfig(
            info.slug,
            severity=severity,
            enabled=check.boolean(fields["enabled"], "enabled") if "enabled" in fields else None,
            include=check.strings(fields["include"], "include") if "include" in fields else None,
            exclude=check.strings(fields["exclude"], "exclude") if "exclude" in fields else None,
            options=options,
        )
    return checks


def _declared_options(slug: str) -> dict[str, Option[Any]] | None:
    """The options the check's module declares (`OPTIONS`), by name; None: its module is
    not installed (accept any option, so a config outlives a missing plugin)."""
    info = lookup(slug)
    if info is None:
        return None
    try:
        module = importlib.import_module(info.module)
    except ImportError as error:
        log.debug("no options declared for %s (%s); accepting any", slug, error)
        return None
    return {option.name: option for option in getattr(module, "OPTIONS", ())}


def _option(check: _Validator, node: Node, declared: Option[Any] | None, what: str) -> object:
    """A check option, converted to its declared type (a list of strings is a list)."""
    plain = _plain(node)
    if declared is None:
        return plain
    try:
        return declared.convert(plain)
    except OptionTypeError as error:
        raise check.fail(node, f"{what} {error}, got {_kind(node.value)}") from None


def _plain(node: Node) -> object:
    if isinstance(node.value, dict):
        return {key: _plain(item) for key, item in node.value.items()}
    if isinstance(node.value, list):
        return [_plain(item) for item in node.value]
    return node.value


def _bindings(check: _Validator, node: Node) -> tuple[Binding, ...]:
    bindings: list[Binding] = []
    for key, entry in check.mapping(node, "bindings", None).items():
        try:
            check_pattern(key)
        except re.error as error:
            message = f"binding {key!r} is not a valid regular expression: {error}"
            raise check.fail_key(entry, message) from None
        except UnsafePattern as error:
            message = f"binding {key!r} is refused: {error}; use a plain phrase"
            raise check.fail_key(entry, message) from None
        slugs: list[str] = []
        for name in check.strings(entry, f"bindings[{key!r}]") if entry.value else ():
            info = lookup(name)
            if info is None:
                raise check.fail(entry, f"unknown check {name!r} in bindings")
            slugs.append(info.slug)
        bindings.append(Binding(key, tuple(slugs)))
    return tuple(bindings)


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
