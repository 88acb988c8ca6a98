"""What the checked project says about itself: its Python versions and its console scripts.

A team should not have to repeat in `.agent-guard.yaml` what its packaging already states.
`requires-python` decides which modules are the standard library (new-dependency) and whether
newer syntax is a mistake (syntax-error); `[project.scripts]` names the command-line entry
points whose job is to print (print-call). Both are read from the tree being checked — the
commit of a range, the index of a staged change, the pushed tip — never from the work tree,
so a replayed or pushed commit is judged by its own packaging.

Explicit configuration always wins: `with_project` fills an option only when the config (or
a rule) did not set it. `describe` tells `agent-guard explain` where each value came from.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import NamedTuple

from agent_guard.changes.model import TreeReader
from agent_guard.policy.model import Policy

log = logging.getLogger(__name__)

PYPROJECT = "pyproject.toml"
SETUP_CFG = "setup.cfg"

#: check slug -> (option, metadata field) that project metadata may fill.
FILLED: tuple[tuple[str, str, str], ...] = (
    ("syntax-error", "requires_python", "requires_python"),
    ("new-dependency", "requires_python", "requires_python"),
    ("print-call", "entry_points", "entry_points"),
)


class ProjectMetadata(NamedTuple):
    """The facts read from the project's packaging files, each with where it was read."""

    requires_python: str = ""
    requires_python_from: str = ""
    entry_points: tuple[str, ...] = ()
    entry_points_from: str = ""

    def value(self, field: str) -> tuple[object, str]:
        """(value, source) of one field; an empty value means "not stated"."""
        if field == "requires_python":
            return self.requires_python, self.requires_python_from
        return list(self.entry_points), self.entry_points_from


NOTHING = ProjectMetadata()


def _pyprojects(tree: TreeReader) -> list[tuple[str, bytes]]:
    """The root pyproject.toml, else the only one in the tree (a `backend/` sub-project).

    The root file is read directly: listing the tree is the slow part on a commit."""
    root = tree.read(PYPROJECT)
    if root is not None:
        return [(PYPROJECT, root)]
    nested = [path for path in tree.paths() if path.endswith("/" + PYPROJECT)]
    data = tree.read(nested[0]) if len(nested) == 1 else None
    return [(nested[0], data)] if data is not None else []


def read_project(tree: TreeReader | None) -> ProjectMetadata:
    """The project metadata of `tree` (NOTHING without a tree or packaging files)."""
    if tree is None:
        return NOTHING
    requires, requires_from = "", ""
    scripts: list[str] = []
    scripts_from: list[str] = []
    for path, raw in _pyprojects(tree):
        data = _toml(raw, path)
        project = _table(data, "project")
        value = project.get("requires-python")
        if isinstance(value, str) and value.strip() and not requires:
            requires, requires_from = value.strip(), f"{path} [project] requires-python"
        poetry = _table(_table(data, "tool"), "poetry")
        python = _table(poetry, "dependencies").get("python")
        if isinstance(python, str) and python.strip() and not requires:
            requires = _poetry_specifier(python.strip())
            requires_from = f"{path} [tool.poetry.dependencies] python"
        for table, name in (
            (_table(project, "scripts"), "[project.scripts]"),
            (_table(project, "gui-scripts"), "[project.gui-scripts]"),
            (_table(poetry, "scripts"), "[tool.poetry.scripts]"),
        ):
            targets = [_target(value) for value in table.values()]
            found = [target for target in targets if target]
            if found:
                scripts += found
                scripts_from.append(f"{path} {name}")
    if not requires:
        requires, requires_from = _setup_cfg_requires(tree)
    return ProjectMetadata(requires, requires_from, tuple(scripts), ", ".join(scripts_from))


def _setup_cfg_requires(tree: TreeReader) -> tuple[str, str]:
    data = tree.read(SETUP_CFG)
    if data is None:
        return "", ""
    import configparser  # only for a setup.cfg: 3-4 ms to import, on every commit

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(data.decode("utf-8", "replace"))
    except configparser.Error as error:
        log.debug("setup.cfg not read for python_requires: %s", error)
        return "", ""
    value = parser.get("options", "python_requires", fallback="").strip()
    return (value, "setup.cfg [options] python_requires") if value else ("", "")


def _poetry_specifier(value: str) -> str:
    """Poetry's `^3.10` / `~3.10` mean `>=3.10`; other specifiers are PEP 440 already."""
    return ">=" + value[1:] if value[:1] in ("^", "~") and value[1:2] != "=" else value


def _target(value: object) -> str:
    """`module:function` of a script entry (Poetry may give a table with `callable`)."""
    if isinstance(value, dict):
        value = value.get("callable") or value.get("reference")
    if not isinstance(value, str) or ":" not in value:
        return ""
    return value.split("[", 1)[0].strip()  # `pkg.cli:main [extra]`


def _toml(data: bytes | None, path: str) -> dict[str, object]:
    if data is None:
        return {}
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError as error:
        log.debug("%s not read for project metadata: %s", path, error)
        return {}


def _table(data: Mapping[str, object], key: str) -> dict[str, object]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def with_project(policy: Policy, metadata: ProjectMetadata) -> Policy:
    """`policy` with the options the project states filled where nothing configured them.

    The fingerprint changes with what was filled, so per-blob results cached under one
    requires-python are never reused under another.
    """
    if metadata == NOTHING:
        return policy
    checks = dict(policy.checks)
    filled: list[str] = []
    for slug, option, field in FILLED:
        settings = checks.get(slug)
        value, source = metadata.value(field)
        if settings is None or not value or option in settings.options:
            continue
        options = {**settings.options, option: value}
        checks[slug] = settings._replace(options=options)
        filled.append(f"{slug}.{option}={value!r}")
        log.debug("%s.%s = %r, from %s", slug, option, value, source)
    if not filled:
        return policy
    fingerprint = ""
    if policy.fingerprint:
        key = f"{policy.fingerprint}\0project\0{filled}"
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
    return policy._replace(checks=checks, fingerprint=fingerprint)


def describe(slug: str, policy: Policy | None, metadata: ProjectMetadata) -> list[str]:
    """Lines for `explain`: each project-fillable option of `slug`, its value and origin."""
    lines: list[str] = []
    for check, option, field in FILLED:
        if check != slug:
            continue
        settings = policy.checks.get(slug) if policy is not None else None
        value, source = metadata.value(field)
        if settings is not None and option in settings.options:
            lines.append(f"- `{option}` = {settings.options[option]!r} (from the config)")
        elif value:
            lines.append(f"- `{option}` = {value!r} (from {source})")
        else:
            lines.append(f"- `{option}`: not configured, and the project does not state it")
    return lines
