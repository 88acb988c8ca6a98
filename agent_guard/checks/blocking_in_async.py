"""blocking-in-async (AG104): a blocking call inside an `async def`.

## What it does
Reports calls that block the thread, made directly in the body of an `async def` — not in a
nested plain `def`, `lambda` or `class`, which do not run on the event loop when the
coroutine does:

- `time.sleep`;
- files: `open`, `io.open`, `codecs.open`, and `pathlib.Path` `open`/`read_*`/`write_*`;
- HTTP: `requests.*` (module functions and `Session` methods), sync `httpx` (module functions
  and `httpx.Client` methods), `urllib.request.urlopen`, `urllib3`;
- processes: `subprocess.run`, `call`, `check_call`, `check_output`, `getoutput`,
  `getstatusoutput`, `Popen` (and `Popen.wait`/`communicate`) — not the other names of the
  module (`subprocess.CompletedProcess(...)` in a test double builds a result, it runs
  nothing) — `os.system`, `os.popen`, `os.wait*`, `os.spawn*`,
  `os.posix_spawn*`;
- `input()`; socket connects (`socket.create_connection`, `socket.socket().connect`);
- sync SQLAlchemy/SQLModel session work (`Session.execute/commit/query/...`) on a session
  annotated as, or created as, a sync `Session`.

Names are resolved through imports and aliases (`import time as t`, `from time import sleep`,
`from requests import get as fetch`), and instances through assignments, `with ... as` and
annotations (`client = httpx.Client()`, `def f(session: Session)`). The list is data: the
option `blocking_calls` (qualified name -> what to use instead; a trailing `*` matches a
prefix) replaces it, `extra_blocking_calls` extends it.

## Why is this bad?
An event loop runs every coroutine on one thread. A blocking call stops all of them — every
other request of the server waits until `time.sleep(1)` or a sync HTTP call returns. It does
not fail in tests; it shows up as latency under load. The rule file says "never block the
event loop with synchronous I/O or time.sleep() inside async functions".

## Example
```python
async def refresh(user_id: int) -> dict:
    time.sleep(1)
    return requests.get(f"{API}/users/{user_id}").json()
```

## Fix
Use the async equivalent (`await asyncio.sleep(1)`, `httpx.AsyncClient`,
`asyncio.create_subprocess_exec`, `AsyncSession`), or run the blocking call in a thread:
`await asyncio.to_thread(blocking_function, *args)`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check, builtin_qualified, option_mapping
from agent_guard.policy.model import CheckSettings

_SLEEP = "`await asyncio.sleep(...)`"
_FILE = "`await asyncio.to_thread(...)` around the file I/O (or `aiofiles`/`anyio.Path`)"
_HTTP = "`httpx.AsyncClient` (`async with httpx.AsyncClient() as client: await client.get(...)`)"
_PROCESS = "`await asyncio.create_subprocess_exec(...)` (or `asyncio.to_thread(...)`)"
_WAIT = "`await process.wait()` on an `asyncio` subprocess (or `asyncio.to_thread(os.wait...)`)"
_SOCKET = "`await asyncio.open_connection(...)`"
_DB = "an `AsyncSession` (`sqlalchemy.ext.asyncio`) and `await session.execute(...)`"
_HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
#: The subprocess calls that start or wait for a process (not `CompletedProcess(...)`,
#: `PIPE` or the exception classes).
_SUBPROCESS_CALLS = (
    "run", "call", "check_call", "check_output", "getoutput", "getstatusoutput", "Popen",
)  # fmt: skip
_PATH_METHODS = ("open", "read_text", "read_bytes", "write_text", "write_bytes")
_SESSION_METHODS = (
    "execute", "commit", "query", "flush", "refresh", "scalar", "scalars", "get", "merge",
    "rollback", "close", "connection", "delete",
)  # fmt: skip
_SESSIONS = (
    "sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session",
    "sqlmodel.orm.session.Session",
)  # fmt: skip

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "blocking_calls",
        Kind.MAPPING,
        {
            "time.sleep": _SLEEP,
            "open": _FILE,
            "io.open": _FILE,
            "io.open_code": _FILE,
            "codecs.open": _FILE,
            **{f"pathlib.Path.{method}": _FILE for method in _PATH_METHODS},
            **{f"requests.{method}": _HTTP for method in _HTTP_METHODS},
            **{f"requests.Session.{method}": _HTTP for method in (*_HTTP_METHODS, "send")},
            **{f"httpx.{method}": _HTTP for method in (*_HTTP_METHODS, "stream")},
            **{f"httpx.Client.{method}": _HTTP for method in (*_HTTP_METHODS, "send", "stream")},
            "urllib.request.urlopen": _HTTP,
            "urllib3.request": _HTTP,
            "urllib3.PoolManager.request": _HTTP,
            "urllib3.PoolManager.urlopen": _HTTP,
            "urllib3.HTTPConnectionPool.request": _HTTP,
            "urllib3.HTTPConnectionPool.urlopen": _HTTP,
            **{f"subprocess.{name}": _PROCESS for name in _SUBPROCESS_CALLS},
            "subprocess.Popen.wait": _WAIT,
            "subprocess.Popen.communicate": _WAIT,
            "os.system": _PROCESS,
            "os.popen": _PROCESS,
            "os.spawn*": _PROCESS,
            "os.posix_spawn*": _PROCESS,
            **{f"os.{name}": _WAIT for name in ("wait", "wait3", "wait4", "waitpid", "waitid")},
            "input": (
                "`await asyncio.to_thread(input, ...)` (or read the input before the loop starts)"
            ),
            "socket.create_connection": _SOCKET,
            "socket.socket.connect": _SOCKET,
            "socket.socket.connect_ex": _SOCKET,
            **{f"{cls}.{method}": _DB for cls in _SESSIONS for method in _SESSION_METHODS},
        },
        "qualified call -> the non-blocking alternative to suggest (`*` globs)",
    ),
    Option(
        "extra_blocking_calls",
        Kind.MAPPING,
        {},
        "more blocking calls, added to `blocking_calls`",
    ),
)


@dataclass(frozen=True, slots=True)
class Config:
    exact: dict[str, str]
    prefixes: tuple[tuple[str, str], ...]  # ("subprocess.", fix) for "subprocess.*"
    last_names: frozenset[str]  # the last component of every entry: a cheap first test
    any_last: bool  # a prefix entry may end in any name


class BlockingInAsync(Check[Config]):
    slug = "blocking-in-async"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        table = option_mapping(settings, OPTIONS, "blocking_calls")
        table.update(option_mapping(settings, OPTIONS, "extra_blocking_calls"))
        exact: dict[str, str] = {}
        prefixes: list[tuple[str, str]] = []
        for name, fix in table.items():
            if name.endswith("*"):
                prefixes.append((builtin_qualified(name[:-1]), fix))
            else:
                exact[builtin_qualified(name)] = fix
        last_names = frozenset(name.rpartition(".")[2] for name in exact)
        return Config(exact, tuple(prefixes), last_names, bool(prefixes))

    def blocking(self, name: str) -> str | None:
        """The fix for a blocking callee, or None when it does not block."""
        fix = self.config.exact.get(name)
        if fix is not None:
            return fix
        for prefix, prefix_fix in self.config.prefixes:
            if name.startswith(prefix) and "." not in name[len(prefix) :]:
                return prefix_fix
        return None

    def enter_Call(self, node: ast.Call) -> None:
        if not self.walk.scope.function.is_async:
            return
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in self.config.last_names and func.id not in self.walk.imported:
                return  # neither a listed builtin nor an imported name: cannot block
        elif isinstance(func, ast.Attribute):
            if not self.config.any_last and func.attr not in self.config.last_names:
                return
        else:
            return
        name = self.walk.qualified_name(func)
        if name is None:
            return
        fix = self.blocking(name)
        if fix is None:
            return
        function = self.walk.scope.function.node
        where = f"`async def {getattr(function, 'name', '?')}`"
        self.report(
            node,
            f"`{name.removeprefix('builtins.')}()` blocks the event loop inside {where}",
            f"use {fix}",
            extra=(("callee", name),),
        )


CHECK = BlockingInAsync
