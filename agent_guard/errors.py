"""Errors a user can cause, reported as one line and exit code 2 — never a traceback.

Everything that can go wrong because of the user's input (a bad rule file, a bad config, a
revision that does not exist, not a git repository) raises `UsageError`. The entry points
catch it, print `str(error)` on one line and exit with `error.exit_code`.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with the user's input; rendered as `path:line:col: message`."""

    exit_code = EXIT_USAGE

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(part) for part in (self.path, self.line, self.column) if part is not None]
        return ":".join([*where, f" {self.message}"]) if where else self.message


class GitError(UsageError):
    """git refused or failed: bad revision, not a repository, missing object."""
