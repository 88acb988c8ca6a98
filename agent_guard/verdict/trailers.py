"""Commit-message trailers, found exactly where `git interpret-trailers --parse` finds them.

An approval is a trailer, so agent-guard must see the same trailers git sees: a line that only
looks like a trailer in the middle of the body must not approve anything, and a trailer git
accepts must not be missed. Calling git for every message costs a process per commit, so the
rules of git's `trailer.c` are restated here (and a test compares both on tricky messages):

- the patch part (a line starting with `---` and whitespace) and the scissors line
  (`# ------------------------ >8 ------------------------`) end the message; trailing
  comment lines, blank lines and an old `Conflicts:` block are ignored;
- the first paragraph is the title and never holds trailers;
- the trailer block is the last paragraph when all its lines are trailers, or when it has a
  git-generated trailer (`Signed-off-by: `, `(cherry picked from commit `) and at least a
  quarter of its lines are trailers;
- a trailer is `token: value` (token of letters, digits and dashes, optional blanks before
  the colon); a line starting with whitespace continues the previous trailer; values are
  trimmed and unfolded.

Only the default separator (`:`) is understood; `trailer.*` configuration is not read.
"""

from __future__ import annotations

from collections.abc import Iterable

_GIT_GENERATED_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
_C_SPACE = " \t\n\v\f\r"  # C isspace() in the "C" locale
_CUT_LINE = " ------------------------ >8 ------------------------\n"


def parse(message: str, *, comment_char: str = "#") -> list[tuple[str, str]]:
    """The trailers of `message` as (token, value) pairs, in order (like `--parse`)."""
    end = _end_of_log_message(message, comment_char)
    body = message[:end]
    start = _trailer_block_start(body, comment_char)
    entries: list[str] = []
    continues_trailer = False
    for line in _splitlines(body[start:]):
        if continues_trailer and line[0] in _C_SPACE:
            entries[-1] += line
            continue
        entries.append(line)
        continues_trailer = _find_separator(line) >= 1
    trailers: list[tuple[str, str]] = []
    for entry in entries:
        if entry.startswith(comment_char):
            continue
        separator = _find_separator(entry)
        if separator >= 1:
            token = entry[:separator].strip(_C_SPACE)
            trailers.append((token, _unfold(entry[separator + 1 :])))
    return trailers


def values(message: str, token: str, *, comment_char: str = "#") -> list[str]:
    """The values of every trailer named `token` (compared case-insensitively, as git does)."""
    wanted = token.lower()
    if wanted not in message.lower():  # most messages: a push checks thousands of them
        return []
    found = parse(message, comment_char=comment_char)
    return [value for key, value in found if key.lower() == wanted]


def _splitlines(text: str) -> list[str]:
    # git splits on "\n" only; str.splitlines would also split on \r, \x0b, \x1c...
    lines = text.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def _end_of_log_message(message: str, comment_char: str) -> int:
    """Where the log message ends: before a patch divider, minus ignorable trailing bytes."""
    end = len(message)
    offset = 0
    for line in _splitlines(message):
        if line.startswith("---") and line[3:4] in _C_SPACE and line[3:4]:
            end = offset
            break
        offset += len(line)
    return end - _ignored_trailing_bytes(message[:end], comment_char)


def _ignored_trailing_bytes(text: str, comment_char: str) -> int:
    """Trailing comments, blank lines and an old `Conflicts:` block (git's ignore_non_trailer)."""
    cut = _scissors_position(text, comment_char)
    run_start: int | None = None
    in_conflicts = False
    offset = 0
    for line in _splitlines(text[:cut]):
        if line.startswith(comment_char) or line.startswith("\n"):
            if run_start is None:
                run_start = offset
        elif line.startswith("Conflicts:\n"):
            in_conflicts = True
            if run_start is None:
                run_start = offset
        elif in_conflicts and line.startswith("\t"):
            pass  # a path inside the old conflicts block
        elif run_start is not None:
            run_start = None
            in_conflicts = False
        offset += len(line)
    return len(text) - run_start if run_start is not None else len(text) - cut


def _scissors_position(text: str, comment_char: str) -> int:
    """The start of the `# ---- >8 ----` line that `git commit --verbose` adds, or the end."""
    marker = comment_char + _CUT_LINE
    if text.startswith(marker):
        return 0
    found = text.find("\n" + marker)
    return len(text) if found < 0 else found + 1


def _is_blank(line: str) -> bool:
    return not line.strip(_C_SPACE)


def _trailer_block_start(body: str, comment_char: str) -> int:
    """The offset of the trailer block in `body`, or len(body) when there is none."""
    lines = list(_offsets(body))
    end_of_title = len(body)
    for offset, line in lines:
        if line.startswith(comment_char):
            continue
        if _is_blank(line):
            end_of_title = offset
            break
    only_spaces = True
    recognized_prefix = False
    trailer_lines = non_trailer_lines = possible_continuations = 0
    for offset, line in reversed(lines):
        if offset < end_of_title:
            break
        if line.startswith(comment_char):
            non_trailer_lines += possible_continuations
            possible_continuations = 0
            continue
        if _is_blank(line):
            if only_spaces:
                continue
            non_trailer_lines += possible_continuations
            if recognized_prefix and trailer_lines * 3 >= non_trailer_lines:
                return offset + len(line)
            if trailer_lines and not non_trailer_lines:
                return offset + len(line)
            return len(body)
        only_spaces = False
        if line.startswith(_GIT_GENERATED_PREFIXES):
            trailer_lines += 1
            possible_continuations = 0
            recognized_prefix = True
        elif _find_separator(line) >= 1 and line[0] not in _C_SPACE:
            trailer_lines += 1
            possible_continuations = 0
        elif line[0] in _C_SPACE:
            possible_continuations += 1
        else:
            non_trailer_lines += 1 + possible_continuations
            possible_continuations = 0
    return len(body)


def _offsets(text: str) -> Iterable[tuple[int, str]]:
    offset = 0
    for line in _splitlines(text):
        yield offset, line
        offset += len(line)


def _find_separator(line: str) -> int:
    """The index of the `:` that ends a trailer token, or -1 (git's find_separator)."""
    whitespace_found = False
    for index, char in enumerate(line):
        if char == ":":
            return index
        if not whitespace_found and (char == "-" or (char.isascii() and char.isalnum())):
            continue
        if index and char in " \t":
            whitespace_found = True
            continue
        break
    return -1


def _unfold(value: str) -> str:
    """Collapse continuation lines to single spaces and trim, like git's unfold_value."""
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        index += 1
        if char == "\n":
            while index < len(value) and value[index] in _C_SPACE:
                index += 1
            out.append(" ")
        else:
            out.append(char)
    return "".join(out).strip(_C_SPACE)
