"""Front matter of a rule file, read the way people actually write it.

Cursor's `.mdc` front matter looks like YAML but often is not: `globs: **/*.py` is an alias
error in PyYAML, `globs: src/**/*.py, tests/**` is one comma-separated string, and
`alwaysApply: "true"` is a string. Refusing those would refuse most real rule files, so the
block is read by PyYAML when it can, by a line-based `key: value` reader when it cannot, and
the keys whose meaning we know (`globs`, `applyTo`, `alwaysApply`) are always taken from
the line reader's raw text and normalised. Any other key is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent_guard.errors import UsageError

FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
LIST_ITEM = re.compile(r"^[ \t]+-[ \t]+(?P<value>.*?)[ \t]*$")
GLOB_KEYS = ("globs", "applyTo")
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0", ""})


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The parsed block, where each key was written, and where the body starts.

    `body_offset` is the character offset of the body in the whole text and `body_line` the
    1-based line it starts on, so the body parser can report lines of the whole file.
    """

    data: dict[str, object] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body_offset: int = 0
    body_line: int = 1
    # What is wrong but not fatal (a key written twice), each "line N: ...".
    problems: tuple[str, ...] = ()

    @property
    def globs(self) -> tuple[str, ...]:
        """The files the rule file governs (Cursor `globs`, Copilot `applyTo`); () = all."""
        patterns: list[str] = []
        for key in GLOB_KEYS:
            value = self.data.get(key)
            if isinstance(value, list):
                patterns.extend(str(item) for item in value)
        return tuple(p for p in patterns if p not in ("**", "**/*", "*"))


def parse_front_matter(text: str, path: str) -> FrontMatter:
    """Split off and parse a leading `---` block; a file without one has empty front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").strip() != "---":
        return FrontMatter()
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i].rstrip("\r\n"))), None)
    if end is None:
        raise UsageError("front matter opened with '---' is never closed", path, 1, 1)
    block = [line.rstrip("\r\n") for line in lines[1:end]]
    try:
        data = _yaml_or_none("\n".join(block))
    except RecursionError:  # `[[[[...` thousands deep: PyYAML's composer recurses per level
        raise UsageError("front matter is nested too deeply", path, 2, 1) from None
    raw, key_lines = _read_lines(block, path, strict=data is None)
    problems = tuple(_duplicates(block))
    for key in GLOB_KEYS:
        if key in raw:
            _check_glob_value(
                data.get(key) if data is not None else None, raw[key], path, key_lines[key], key
            )
    if data is None:
        data = dict(raw)
    for key in GLOB_KEYS:
        if key in raw:
            data[key] = _glob_list(raw[key])
    if "alwaysApply" in raw:
        data["alwaysApply"] = _boolean(raw["alwaysApply"], path, key_lines["alwaysApply"])
    offset = sum(len(line) for line in lines[: end + 1])
    return FrontMatter(data, key_lines, offset, end + 2, problems)


def _duplicates(block: list[str]) -> list[str]:
    """Keys written twice: which one counts is a guess, so say so (line of the second)."""
    seen: dict[str, int] = {}
    found: list[str] = []
    for index, line in enumerate(block):
        pair = KEY_VALUE.match(line)
        if pair is None:
            continue
        key, number = pair["key"], index + 2
        if key in seen:
            found.append(f"line {number}: front matter key {key!r} repeats line {seen[key]}")
        seen.setdefault(key, number)
    return found


def _check_glob_value(loaded: object, raw: object, path: str, line: int, key: str) -> None:
    """A value that cannot mean a file pattern is an error at its line, never a pattern
    that silently matches nothing: a number, a mapping, or a tab that glued the next key on."""
    text = raw if isinstance(raw, str) else ""
    if "\t" in text and re.search(r"\t+[A-Za-z_][\w.-]*[ \t]*:", text):
        message = f"front matter: a tab joins another key to {key} (put each key on its own line)"
        raise UsageError(message, path, line, 1)
    if isinstance(loaded, dict) or text.strip().startswith("{"):
        raise UsageError(
            f"front matter: {key} must be a pattern or a list, not a mapping", path, line, 1
        )
    values = loaded if isinstance(loaded, list) else [loaded if loaded is not None else text]
    for value in values:
        if isinstance(value, bool | int | float) or re.fullmatch(
            r"[ \t]*[-+]?\d+(?:\.\d+)?[ \t]*", str(value)
        ):
            message = f"front matter: {key} must be a file pattern, got {value!r}"
            raise UsageError(message, path, line, 1)
        if isinstance(value, dict):
            raise UsageError(
                f"front matter: {key} must be a pattern or a list, not a mapping", path, line, 1
            )


def _yaml_or_none(block: str) -> dict[str, object] | None:
    """PyYAML's reading when the block is valid YAML mapping, else None (never raises)."""
    import yaml

    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError:
        return None
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        return None
    return {str(k): v for k, v in loaded.items()}


def _read_lines(
    block: list[str], path: str, *, strict: bool
) -> tuple[dict[str, object], dict[str, int]]:
    """`key: value` lines and indented `- item` lists; anything else is an error if strict.

    Not strict when PyYAML already read the block: then this reader only locates keys and
    recovers the raw text of the keys we normalise.
    """
    data: dict[str, object] = {}
    key_lines: dict[str, int] = {}
    current: str | None = None
    for index, line in enumerate(block):
        number = index + 2  # the opening fence is line 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = LIST_ITEM.match(line)
        if item and current is not None:
            previous = data[current]
            items = previous if isinstance(previous, list) else []
            items.append(_unquote(item["value"]))
            data[current] = items
            continue
        pair = KEY_VALUE.match(line)
        if pair is None:
            if current is not None and line[:1] in (" ", "\t"):
                data[current] = f"{data[current] or ''} {line.strip()}".strip()
                continue
            if not strict:
                continue
            message = f"front matter: expected 'key: value', got {line.strip()!r}"
            raise UsageError(message, path, number, 1)
        current = pair["key"]
        key_lines[current] = number
        data[current] = _scalar(pair["value"] or "", path, number, strict=strict)
    return data, key_lines


def _scalar(value: str, path: str, line: int, *, strict: bool) -> object:
    """A value as written: quotes removed, `[a, b]` as a list, everything else a string."""
    value = value.strip()
    if value.startswith("["):
        if not value.endswith("]"):
            if not strict:
                return value
            raise UsageError("front matter: '[' is never closed", path, line, 1)
        return [_unquote(part) for part in value[1:-1].split(",") if part.strip()]
    return _unquote(value)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _glob_list(value: object) -> list[str]:
    """`**/*.py`, `a/**, b/**`, `[a, b]` or a YAML list: always a list of patterns."""
    items = value if isinstance(value, list) else [value]
    patterns: list[str] = []
    for item in items:
        patterns.extend(_unquote(part) for part in str(item).split(",") if part.strip())
    return patterns


def _boolean(value: object, path: str, line: int) -> bool:
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    message = f"front matter: alwaysApply must be true or false, got {value!r}"
    raise UsageError(message, path, line, 1)
