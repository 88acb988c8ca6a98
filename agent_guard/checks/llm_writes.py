"""llm-writes (AG202): code of a read-only component that writes data.

What it does
    In the modules of the component the rules say must never write data ("LLM never writes
    data"; the policy compiler names it in the `components` option, from the rule text or
    the config), reports code that writes:

    - SQLAlchemy session writes: `session.add()`, `add_all`, `delete`, `merge`, `commit`,
      `flush`, `bulk_*` on a receiver typed as a Session or named like one (`session`, `db`,
      `db_session`, `conn`, ...);
    - write statements: `insert()`, `update()`, `delete()` constructs of SQLAlchemy, and
      `execute()` of SQL text that starts with INSERT, UPDATE, DELETE, MERGE, UPSERT, ...;
    - ORM writes: `obj.save()`, `obj.delete()`, `Model.create(...)`, `Model.update(...)`,
      `Model.objects.create(...)`, `query.filter(...).update(...)`;
    - imports of the first-party modules configured as the write layer (`write_modules`,
      e.g. `app.crud`).

    All of these lists are options, so a project adds its own verbs and names.

Why is this bad
    A component that drafts text from a language model works on untrusted input: a prompt
    injection must not be able to change records. Keeping it read-only means every write goes
    through code that validates, authorises and audits it.

Example
    ```python
    # app/llm/summarise.py   (component "llm", which never writes data)
    def summarise(session: Session, ticket: Ticket) -> str:
        ticket.summary = complete(prompt_for(ticket))
        session.commit()
        return ticket.summary
    ```

Fix
    Return the result and let the caller (a service of the write layer) store it:
    ```python
    def summarise(ticket: Ticket) -> str:
        return complete(prompt_for(ticket))
    ```
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check, Walk, option_strings
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "components",
        Kind.STRINGS,
        [],
        "the read-only components (from the rule file, or set here)",
    ),
    Option(
        "session_methods",
        Kind.STRINGS,
        [
            "add", "add_all", "delete", "merge", "commit", "flush", "bulk_save_objects",
            "bulk_insert_mappings", "bulk_update_mappings",
        ],
        "methods that write through a database session or connection",
    ),
    Option(
        "session_names",
        Kind.STRINGS,
        ["session", "sess", "db", "conn", "connection", "uow", "transaction", "tx"],
        "receivers that are a session or connection by name (last part, any case)",
    ),
    Option(
        "session_types",
        Kind.STRINGS,
        [
            "sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session",
            "sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.orm.scoped_session",
            "sqlalchemy.engine.Connection", "sqlmodel.Session",
        ],
        "types whose session methods write (the receiver's annotation or constructor)",
    ),
    Option(
        "orm_methods",
        Kind.STRINGS,
        [
            "save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create",
            "update_or_create", "insert", "insert_one", "insert_many", "update_one", "update_many",
            "delete_one", "delete_many", "replace_one", "upsert",
        ],
        "methods that write through an ORM model, instance, manager or query",
    ),
    Option(
        "statement_builders",
        Kind.STRINGS,
        [
            "sqlalchemy.insert", "sqlalchemy.update", "sqlalchemy.delete",
            "sqlalchemy.sql.insert", "sqlalchemy.sql.update", "sqlalchemy.sql.delete",
            "sqlalchemy.sql.expression.insert", "sqlalchemy.sql.expression.update",
            "sqlalchemy.sql.expression.delete", "sqlalchemy.dialects.postgresql.insert",
            "sqlalchemy.dialects.sqlite.insert", "sqlalchemy.dialects.mysql.insert",
            "sqlmodel.insert", "sqlmodel.update", "sqlmodel.delete",
        ],
        "functions that build a write statement",
    ),
    Option(
        "execute_methods",
        Kind.STRINGS,
        ["execute", "executemany", "executescript", "exec_driver_sql"],
        "methods that run SQL text",
    ),
    Option(
        "sql_verbs",
        Kind.STRINGS,
        ["INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "TRUNCATE"],
        "the first word of SQL text that writes",
    ),
    Option(
        "write_modules",
        Kind.STRINGS,
        [],
        "first-party modules that are the write layer (importing one is writing)",
    ),
)  # fmt: skip

# A receiver chain through one of these is a query or a manager, not a dict or a set.
_QUERY_LINKS = frozenset(
    {"objects", "query", "filter", "filter_by", "where", "exclude", "all", "select_related"}
)


@dataclass(frozen=True, slots=True)
class WritesConfig:
    components: tuple[str, ...]
    session_methods: frozenset[str]
    session_names: re.Pattern[str]
    session_types: tuple[str, ...]
    orm_methods: frozenset[str]
    statement_builders: frozenset[str]
    execute_methods: frozenset[str]
    sql_verbs: re.Pattern[str]
    write_modules: tuple[str, ...]


def _strings(settings: CheckSettings, key: str) -> tuple[str, ...]:
    return tuple(option_strings(settings, OPTIONS, key))


def _words(names: Iterable[str]) -> re.Pattern[str]:
    """Matches a name that is one of `names`, alone or as a `_`-separated part of it."""
    alternatives = "|".join(re.escape(name) for name in names) or "(?!)"
    return re.compile(rf"^(?:.*_)?(?:{alternatives})(?:_.*)?$", re.IGNORECASE)


class LlmWrites(Check[WritesConfig]):
    slug = "llm-writes"

    @classmethod
    def configure(cls, settings: CheckSettings) -> WritesConfig:
        verbs = "|".join(re.escape(verb) for verb in _strings(settings, "sql_verbs")) or "(?!)"
        return WritesConfig(
            components=_strings(settings, "components"),
            session_methods=frozenset(_strings(settings, "session_methods")),
            session_names=_words(_strings(settings, "session_names")),
            session_types=_strings(settings, "session_types"),
            orm_methods=frozenset(_strings(settings, "orm_methods")),
            statement_builders=frozenset(_strings(settings, "statement_builders")),
            execute_methods=frozenset(_strings(settings, "execute_methods")),
            sql_verbs=re.compile(rf"^\s*\(?\s*(?:{verbs})\b", re.IGNORECASE),
            write_modules=_strings(settings, "write_modules"),
        )

    def __init__(self, walk: Walk, settings: CheckSettings, config: WritesConfig) -> None:
        super().__init__(walk, settings, config)
        # Decided once per file: outside the read-only component every handler returns at once.
        policy = walk.policy
        self.component = next(
            (
                name
                for name in self.config.components
                if name in policy.components
                and policy.components[name].paths.matches(self.walk.path)
            ),
            None,
        )

    # --- imports of the write layer -------------------------------------------------------

    def enter_Import(self, node: ast.Import) -> None:
        self._check_imports(node)

    def enter_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._check_imports(node)

    def _check_imports(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.component is None or not self.config.write_modules:
            return
        # The walk has just recorded this statement's imports, one per name.
        for record in self.walk.imports[-len(node.names) :]:
            if record.type_checking or record.module is None:
                continue
            names = [record.module]
            if record.name and record.name != "*":
                names.append(f"{record.module}.{record.name}")
            layer = next((m for m in self.config.write_modules if _under(names, m)), None)
            if layer is not None:
                self._report(
                    (record.line, record.column),
                    f"imports `{names[-1]}` from the write layer `{layer}`",
                    f"Do not use `{layer}` here: return the data and let the caller, outside "
                    f"`{self.component}`, write it.",
                )

    # --- calls that write -----------------------------------------------------------------

    def enter_Call(self, node: ast.Call) -> None:
        if self.component is None:
            return
        func = node.func
        if isinstance(func, ast.Attribute):
            what = self._method_write(node, func)
        else:
            what = self._builder_write(func)
        if what is not None:
            self._report(
                node,
                what,
                "Return what the model produced and let a service of the write layer validate "
                "and store it.",
            )

    def _builder_write(self, func: ast.expr) -> str | None:
        name = self.walk.qualified_name(func)
        if name is not None and name in self.config.statement_builders:
            return f"builds a write statement with `{name}()`"
        return None

    def _method_write(self, node: ast.Call, func: ast.Attribute) -> str | None:
        method = func.attr
        config = self.config
        if method in config.execute_methods and node.args and self._writes_sql(node.args[0]):
            return f"runs SQL that writes with `.{method}()`"
        if method in config.session_methods and self._is_session(func.value):
            return f"writes through a database session with `.{method}()`"
        if method in config.orm_methods and self._is_orm_write(node, func):
            return f"writes through the ORM with `.{method}()`"
        qualified = self.walk.qualified_name(func)
        if qualified is not None and qualified in config.statement_builders:
            return f"builds a write statement with `{qualified}()`"
        return None

    def _is_session(self, receiver: ast.expr) -> bool:
        kind = self.walk.qualified_name(receiver)
        if kind is not None and any(
            kind == name or kind.startswith(name + ".") for name in self.config.session_types
        ):
            return True
        last = _last_name(receiver)
        return last is not None and bool(self.config.session_names.match(last))

    def _is_orm_write(self, node: ast.Call, func: ast.Attribute) -> bool:
        method, receiver = func.attr, func.value
        if _through_query(receiver):
            return True  # Model.objects.create(...), query.filter(...).update(...)
        last = _last_name(receiver)
        if last is not None and last[:1].isupper() and not last.isupper():
            return True  # a model class: User.create(...), User.update(...)
        if method == "save":
            return True  # instance.save()
        return method == "delete" and not node.args and not node.keywords  # instance.delete()

    def _writes_sql(self, argument: ast.expr) -> bool:
        if isinstance(argument, ast.Call) and argument.args:
            argument = argument.args[0]  # text("INSERT ..."), sql.SQL("UPDATE ...")
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return bool(self.config.sql_verbs.match(argument.value))
        if isinstance(argument, ast.JoinedStr) and argument.values:
            first = argument.values[0]
            return (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and bool(self.config.sql_verbs.match(first.value))
            )
        return False

    def _report(self, node: ast.AST | tuple[int, int], what: str, fix: str) -> None:
        self.report(
            node,
            f"{what}, but `{self.component}` must never write data",
            fix,
            extra=(("component", self.component or ""),),
        )


def _under(names: Iterable[str], prefix: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for name in names)


def _last_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def _through_query(expr: ast.expr) -> bool:
    """True when a receiver chain passes through a manager or query (`.objects`, `.filter()`)."""
    node = expr
    for _ in range(16):
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in _QUERY_LINKS:
                return True
            node = node.value
        else:
            return False
    return False


CHECK = LlmWrites
