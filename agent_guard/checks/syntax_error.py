"""syntax-error (AG108): a changed Python file that does not parse.

## What it does
Reports a Python file that cannot be decoded (a wrong PEP 263 coding cookie, bytes that are
not valid in the declared encoding) or parsed (a syntax error, a null byte, nesting too deep
for the parser), at the line and column where it fails.

## Why is this bad?
A file that does not parse cannot be imported, and none of the other code checks can look at
it: a syntax error would otherwise hide every other problem in the change. It is a warning by
default because the author usually knows already (the test run fails), and a half-written
file is sometimes committed on purpose to a work branch.

## Example
```python
def handler(request)
    return request.body
```

## Fix
Correct the syntax at the reported line (here: add the `:` after the signature), or save the
file in the encoding its coding cookie declares (UTF-8 by default).
"""

from __future__ import annotations

from agent_guard.checks.base import make_finding
from agent_guard.checks.options import Option
from agent_guard.checks.pysource import SourceError
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[object], ...] = ()


def syntax_error_finding(path: str, error: SourceError, settings: CheckSettings) -> Finding:
    """The finding for a file `pysource.decode`/`parse` (or the walker) could not handle."""
    return make_finding(
        settings,
        path,
        max(error.line, 1),
        max(error.column, 1),
        f"the file does not parse: {error.message}",
        "correct the syntax (or the encoding) at this line; no other code check can run on "
        "this file until it parses",
    )
