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

When agent-guard runs on an older Python than the code is written for (a hook on a
distribution's Python 3.11, code with a 3.12 `type` statement), a failure on a line that
uses newer syntax is only advisory and says which Python can judge it: that parser cannot
tell new syntax from a mistake, and a false block costs more than a missed warning.

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

import dataclasses
import sys

from agent_guard.checks.base import make_finding
from agent_guard.checks.options import Option
from agent_guard.checks.pysource import SourceError
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[object], ...] = ()


def syntax_error_finding(path: str, error: SourceError, settings: CheckSettings) -> Finding:
    """The finding for a file `pysource.decode`/`parse` (or the walker) could not handle."""
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
        return dataclasses.replace(finding, severity=Severity.ADVISORY)
    return make_finding(
        settings,
        path,
        max(error.line, 1),
        max(error.column, 1),
        f"the file does not parse: {error.message}",
        "correct the syntax (or the encoding) at this line; no other code check can run on "
        "this file until it parses",
    )
