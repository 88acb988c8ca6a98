"""From what a boundary rule names to components and boundaries the `boundary` check enforces.

A boundary sentence names its two sides the way people do: a word ("WhatsApp never talks
to the DB directly", "the api layer must not import from the db layer"), a path ("never
import from `app/db/` in `app/api/`", a heading "Routers (app/routers/**)" over a list of
forbidden imports), or a module (`sqlalchemy`, `from app.models import User`). Each side is
mapped to a component, or the rule stays advisory and says which side could not be mapped:

- a **word** is a configured component (its name, an alias, a synonym such as DB for
  `database`), else the one first-party package of the repository with that name (a folder
  holding `__init__.py`; `db`, `dbs`, `database` and `databases` are tried), outside tests;
  two packages of that name, or none, and the word is not mapped;
- a **path** or glob is a component of those files (its module too, when it is a package);
- a **module** named as code (a forbidden-import list, an import statement) is a component of
  that module prefix: a third-party package is as precise a target as a first-party one.

Precision first: only the shapes the binder recognises reach this module (claims "X never
talks to Y", forbidden-import lists, "X and Y should not mix", import statements in a list of
mistakes, "never access Y directly" in a scoped rule); allow-lists ("allowed imports:",
"only X may import Y") cannot be written as a forbidden edge and stay advisory, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from agent_guard.globs import compile_globs
from agent_guard.model import Rule
from agent_guard.policy.model import Binding, Boundary, Component

# Synonyms a rule may use for a component's name ("DB" for a component called "database").
SYNONYMS: dict[str, tuple[str, ...]] = {
    "db": ("database", "databases", "data-layer"),
    "database": ("db",),
    "llm": ("llms", "ai", "language-model"),
}
# Words that qualify a side without naming it: "the api layer", "db code", "the models module".
QUALIFIERS = frozenset({
    "layer", "layers", "code", "module", "modules", "package", "packages", "component",
    "components", "service", "side", "integration", "folder", "directory", "directly", "the",
})  # fmt: skip
TEST_FOLDERS = frozenset({"tests", "test", "testing", "fixtures", "examples", "docs"})
MODULE = re.compile(r"[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
ALLOW_LIST = (
    "an allow-list (allowed imports, only X may import Y) is not a forbidden edge, "
    "so it stays advisory"
)
NO_SOURCE = "it does not say which code must not import it (no folder in its heading or scope)"
# Words that ask for indirect reach too ("never depends on the db, even transitively").
REACH = re.compile(r"\bindirect\w*|\btransitiv\w*|\bthrough\s+(?:another|other|any)\b", re.I)
IMPORT_VERB = re.compile(r"\bimport", re.I)
FOLDER_SCOPE = re.compile(r"^/?[\w.-]+/")  # starts with a literal folder: `app/api/**`


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a boundary as the rule wrote it."""

    kind: str  # "word" | "path" | "module"
    text: str


@dataclass(slots=True)
class Derived:
    """Components and boundaries drawn from the rules, and notes on what could not be."""

    components: dict[str, Component] = field(default_factory=dict)
    boundaries: dict[tuple[str, str], Boundary] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Resolver:
    """Maps sides to components: the config's first, then the repository's packages.

    `packages` lists the package folders of the repository (folders with `__init__.py`); it
    is called only when a word is not a configured component, so a policy whose rules name
    no package never lists the tree (and its cache does not depend on the tree)."""

    def __init__(
        self,
        configured: Mapping[str, Component],
        aliases: Mapping[str, Sequence[str]],
        packages: Callable[[], Sequence[str]] | None,
    ) -> None:
        self.configured = configured
        self._packages = packages
        self._package_list: tuple[str, ...] | None = None
        self.names: dict[str, str] = {}
        for name in configured:
            for word in (name, *aliases.get(name, ()), *SYNONYMS.get(name.lower(), ())):
                self.names.setdefault(word.lower(), name)
                self.names.setdefault(word.lower() + "s", name)

    def packages(self) -> tuple[str, ...]:
        if self._package_list is None:
            self._package_list = tuple(self._packages()) if self._packages else ()
        return self._package_list

    def resolve(self, side: Side) -> tuple[Component | None, str]:
        """The component a side names, or None and why not."""
        if side.kind == "path":
            return self._path(side.text), ""
        if side.kind == "module":
            return self._module(side.text), ""
        return self._word(side.text)

    def _word(self, phrase: str) -> tuple[Component | None, str]:
        written = [w for w in re.split(r"[\s_]+", phrase.lower().strip()) if w]
        if not written:
            return None, "it names no component"
        words = [w for w in written if w not in QUALIFIERS] or written
        for candidate in dict.fromkeys(("-".join(written), "-".join(words), words[-1])):
            name = self.names.get(candidate)
            if name is not None:
                return self.configured[name], ""
        word = words[-1]
        forms = {word, word + "s", word.removesuffix("s"), *SYNONYMS.get(word, ())}
        found = [
            folder
            for folder in self.packages()
            if folder.rpartition("/")[2].lower() in forms
            and not TEST_FOLDERS & set(folder.lower().split("/"))
        ]
        outermost = [f for f in found if not any(f.startswith(o + "/") for o in found)]
        if len(outermost) == 1:
            folder = outermost[0]
            modules = (self._dotted(folder),) if self._dotted(folder) else ()
            return Component(word, compile_globs([f"{folder}/**"]), modules), ""
        if outermost:
            return None, f"several packages are called so ({', '.join(outermost[:3])})"
        return None, "no configured component and no package of that name"

    def _path(self, path: str) -> Component:
        pattern = path.strip("`").removeprefix("./").lstrip("/")
        if not any(ch in pattern for ch in "*?[") and "." not in pattern.rpartition("/")[2]:
            pattern = pattern.rstrip("/") + "/**"  # a folder
        folder = pattern.removesuffix("/**")
        dotted = self._dotted(folder) if "*" not in folder else ""
        return Component(path, compile_globs([pattern]), (dotted,) if dotted else ())

    def _module(self, module: str) -> Component:
        folder = module.replace(".", "/")
        paths = [f"{p}/**" for p in self.packages() if p == folder or p.endswith("/" + folder)]
        return Component(module, compile_globs(paths[:1]), (module,))

    def _dotted(self, folder: str) -> str:
        """`src/app/db` -> `app.db` when app/ and db/ are packages (`src` is not)."""
        packages = set(self.packages())
        if folder not in packages:
            return ""
        parts = folder.split("/")
        start = len(parts) - 1
        while start > 0 and "/".join(parts[:start]) in packages:
            start -= 1
        return ".".join(parts[start:])


def sides_of(binding: Binding) -> list[tuple[list[Side], list[Side], bool, str]]:
    """(sources, targets, direct only, what is not enforced) for one boundary binding."""
    params = dict(binding.params)
    # The code a scoped rule speaks of: its heading's or nested rule file's folder. A glob
    # by file type (`**/*.py`) names no part of the code, so it is no side of a boundary.
    scope = [Side("path", p) for p in binding.include.patterns if FOLDER_SCOPE.match(p)]
    if "allowed" in params or "allowed_from" in params:
        return [([], [], False, ALLOW_LIST)]
    direct = not REACH.search(binding.rule.text)  # a forbidden import is a direct one
    if "between" in params:
        a, b = (Side("word", w) for w in params["between"][:2])
        return [([a], [b], direct, ""), ([b], [a], direct, "")]
    targets = [Side("module", m) for m in params.get("forbid", ()) if MODULE.fullmatch(m)]
    for target in params.get("to", ()):
        targets.append(_side(target))
    if not targets:
        return []
    sources = [_side(s) for s in params.get("from", ())] or scope
    return [(sources, targets, direct, "" if sources else NO_SOURCE)]


def _imports(rule: Rule) -> bool:
    """ "X must not import Y" forbids X's imports of Y; "X never talks to Y" any reach."""
    return IMPORT_VERB.search(rule.text) is not None and REACH.search(rule.text) is None


def _side(text: str) -> Side:
    if "/" in text or "*" in text:
        return Side("path", text)
    if "." in text and MODULE.fullmatch(text):
        return Side("module", text)
    return Side("word", text)


def derive(
    bindings: Iterable[Binding],
    claims: Sequence[tuple[str, str | None, bool, Rule]],
    resolver: Resolver,
) -> Derived:
    """Components and boundaries from boundary bindings and "X never talks to Y" claims."""
    derived = Derived()
    wanted: list[tuple[list[Side], list[Side], bool, str, Rule]] = [
        ([Side("word", source)], [Side("word", target)], direct or _imports(rule), "", rule)
        for source, target, direct, rule in claims
        if target is not None
    ]
    claimed = {(rule.file, rule.line) for *_, rule in claims}
    for binding in bindings:
        if (binding.rule.file, binding.rule.line) in claimed:
            continue  # the claim says it better ("X never talks to Y directly")
        wanted.extend((*found, binding.rule) for found in sides_of(binding))
    for sources, targets, direct, problem, rule in wanted:
        where = f"{rule.file}:{rule.line}"
        if problem:
            derived.notes.append(f"{where}: boundary not drawn: {problem}")
            continue
        mapped = [(side, *resolver.resolve(side)) for side in (*sources, *targets)]
        missing = [(side, why) for side, component, why in mapped if component is None]
        if missing:
            derived.notes.extend(
                f"{where}: could not map {side.text!r} to a component ({why}); "
                "add it to `components` in .agent-guard.yaml to enforce this rule"
                for side, why in missing
            )
            continue
        found = {side: component for side, component, _ in mapped if component is not None}
        for source in sources:
            for target in targets:
                _add(derived, resolver, found[source], found[target], not direct, rule)
    return derived


def _add(
    derived: Derived,
    resolver: Resolver,
    source: Component,
    target: Component,
    indirect: bool,
    rule: Rule,
) -> None:
    if source.name == target.name:
        return
    for component in (source, target):
        if resolver.configured.get(component.name) is not component:
            origin = f"{rule.file}:{rule.line}"
            derived.components.setdefault(component.name, component._replace(origin=origin))
    derived.boundaries.setdefault(
        (source.name, target.name),
        Boundary(source.name, target.name, indirect, rule, derived=True),
    )
