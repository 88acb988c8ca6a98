"""The floor: the least work any Python tool must do to check a change, stdlib only.

agent-guard's speed goals are ratios to this script, so it does exactly the minimum and
nothing else — no policy, no findings, no output but a count:

    python benchmarks/floor.py staged          # in a work tree: the staged change
    python benchmarks/floor.py push < stdin    # in a (bare) repo: pre-receive input lines

staged: `git diff --cached --name-status -z` (which files), `git diff --cached -U0` (which
lines were added), ONE `git cat-file --batch` for every changed .py blob (read from the
index as `:path`), then one `ast.parse` and one `ast.walk` per file.

push: for every `<old> <new> <ref>` line, `git log -p -U0 old..new` (every commit's patch,
which is what a per-commit check must at least read) and one `ast.parse` of every touched
.py path as it is at `new` (read with ONE `git cat-file --batch`). With `--cc`, merges
are read too, as combined diffs (`git log -p -U0 --cc`): the floor of a merge-heavy push
(`push_scale.py`), whose merges a server must judge.

A push streams: `git log`'s output is read in 1 MiB chunks as git writes it, and each blob
is parsed as `cat-file` delivers it, so the floor's memory is the added-line sets, not the
size of the patch (58,057 sympy commits write several GiB of `--cc` patches).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator

# `@@ -a,b +c,d @@`, or a combined diff's `@@@ -a,b -c,d +e,f @@@` (`--cc`: merges)
HUNK = re.compile(rb"^@@@* (?:-\d+(?:,\d+)? )+\+(\d+)(?:,(\d+))? @@", re.MULTILINE)
# A new path's header (`+++ b/path`) or a hunk header: what a streamed patch is read for.
HEADER = re.compile(
    rb"^(?:\+\+\+ ([^\n]*)|@@@* (?:-\d+(?:,\d+)? )+\+(\d+)(?:,(\d+))? @@)", re.MULTILINE
)
CHUNK = 1 << 20
# git 2.39 prints a combined hunk whose result side is empty as `+705,18446744073709551615`
# (-1 as unsigned; sympy has one between 7602190e8875 and e950d313a932): such a count
# means no line. Taken literally, `range()` of it held 16 GiB within a minute.
MAX_COUNT = 1 << 31


def hunk_lines(start: bytes, count: bytes | None) -> range:
    """The new-side line numbers of one hunk header."""
    first, number = int(start), int(count or 1)
    return range(first, first + number) if number < MAX_COUNT else range(0)


ZERO = "0" * 40


def git(*args: str) -> bytes:
    return subprocess.run(["git", *args], capture_output=True, check=True).stdout


def read_blobs(names: list[bytes]) -> list[bytes | None]:
    """Read many objects with one `git cat-file --batch`; None for a missing one."""
    if not names:
        return []
    out = subprocess.run(
        ["git", "cat-file", "--batch"],
        input=b"\n".join(names) + b"\n",
        capture_output=True,
        check=True,
    ).stdout
    blobs: list[bytes | None] = []
    position = 0
    for _ in names:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        if header[-1] == b"missing":
            blobs.append(None)
            position = end + 1
            continue
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return blobs


def stream_blobs(names: list[bytes]) -> Iterator[bytes | None]:
    """Each object of `names` from one `git cat-file --batch`, one at a time as it arrives
    (None for a missing one): memory is one blob, not all of them."""
    if not names:
        return
    with tempfile.TemporaryFile() as stdin:
        stdin.write(b"\n".join(names) + b"\n")
        stdin.seek(0)
        with subprocess.Popen(
            ["git", "cat-file", "--batch"], stdin=stdin, stdout=subprocess.PIPE
        ) as process:
            assert process.stdout is not None
            for _ in names:
                header = process.stdout.readline().split()
                if header[-1] == b"missing":
                    yield None
                    continue
                data = process.stdout.read(int(header[2]))
                process.stdout.read(1)  # the newline after the content
                yield data
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, "git cat-file --batch")


def streamed_added_lines(*args: str) -> dict[bytes, set[int]]:
    """`added_lines` of `git <args>`'s patch, read in chunks as git writes it."""
    lines: dict[bytes, set[int]] = {}
    current: set[int] = set()
    with subprocess.Popen(["git", *args], stdout=subprocess.PIPE) as process:
        assert process.stdout is not None
        tail = b""
        while chunk := process.stdout.read(CHUNK):
            buffer = tail + chunk
            cut = buffer.rfind(b"\n") + 1  # only whole lines: a header may span two chunks
            buffer, tail = buffer[:cut], buffer[cut:]
            for match in HEADER.finditer(buffer):
                if match[1] is not None:
                    name = match[1]
                    current = lines.setdefault(name[2:] if name.startswith(b"b/") else name, set())
                else:
                    current.update(hunk_lines(match[2], match[3]))
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, ["git", *args])
    return lines


def added_lines(patch: bytes) -> dict[bytes, set[int]]:
    """Added line numbers per new path from a `-U0` patch."""
    lines: dict[bytes, set[int]] = {}
    current: set[int] = set()
    for piece in patch.split(b"\n+++ ")[1:]:
        name, _, rest = piece.partition(b"\n")
        current = lines.setdefault(name[2:] if name.startswith(b"b/") else name, set())
        for match in HUNK.finditer(rest):
            current.update(hunk_lines(match[1], match[2]))
    return lines


def check(blobs: Iterable[bytes | None], *, walk: bool) -> int:
    """Parse (and walk) every blob; return the number of AST nodes seen (or files parsed)."""
    seen = 0
    for data in blobs:
        if data is None:
            continue
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        seen += sum(1 for _ in ast.walk(tree)) if walk else 1
    return seen


def staged() -> tuple[int, int]:
    fields = git("diff", "--cached", "--name-status", "-z").split(b"\0")
    paths: list[bytes] = []
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        names = 2 if status[:1] in (b"R", b"C") else 1
        path = fields[index + names]
        index += names + 1
        if status != b"D" and path.endswith(b".py"):
            paths.append(path)
    lines = added_lines(git("diff", "--cached", "-U0"))
    nodes = check(read_blobs([b":" + p for p in paths]), walk=True)
    return nodes, sum(len(lines.get(p, ())) for p in paths)


def push(stdin: bytes) -> tuple[int, int]:
    total = added = 0
    for line in stdin.splitlines():
        old, new, _ref = line.decode().split()
        if new == ZERO:
            continue
        spec = new if old == ZERO else f"{old}..{new}"
        cc = ["--cc"] if "--cc" in sys.argv else []  # merges too, as a combined diff
        lines = streamed_added_lines("log", "-p", "-U0", *cc, "--format=%H", spec)
        touched = [p for p in lines if p.endswith(b".py")]
        added += sum(len(lines[p]) for p in touched)
        names = [new.encode() + b":" + p for p in touched]
        total += check(stream_blobs(names), walk="--walk" in sys.argv)
    return total, added


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "staged"
    nodes, added = staged() if mode == "staged" else push(sys.stdin.buffer.read())
    sys.stdout.write(f"{nodes} nodes (or files), {added} added lines\n")


if __name__ == "__main__":
    main()
