"""A rule file's body, read into rule sentences with their true line numbers.

Two formats exist in the wild. Cursor-style files put an `<agent>` XML element in Markdown:
every element that carries text is one rule, named by its chain of tags. AGENTS.md and
Copilot's `.instructions.md` are plain Markdown: every bullet is one rule, named by its chain
of headings. Either way a rule's line is the line in the *whole* file (front matter
included), so a report can send the reader straight to it.

The XML is parsed strictly (an unclosed tag is an error with its line and column, not a
silently half-read policy), except that a bare `&` or `<` in prose is taken literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent_guard.checks.registry import lookup
from agent_guard.errors import UsageError
from agent_guard.policy.frontmatter import FrontMatter, parse_front_matter

if TYPE_CHECKING:
    from lxml import etree

AGENT_START = re.compile(r"<agent(?:\s[^>]*)?>")
AGENT_END = "</agent>"
BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][\w.-]*|#\d+|#x[0-9A-Fa-f]+);)")
BARE_LESS_THAN = re.compile(r"<(?![A-Za-z_/!?])")
FRAGMENT_LINE = re.compile(r"\bline (\d+)")
# Elements that mark up words inside a sentence rather than start a rule of their own.
INLINE_TAGS = frozenset(
    {
        "a",
        "b",
        "i",
        "u",
        "em",
        "strong",
        "code",
        "tt",
        "kbd",
        "var",
        "span",
        "br",
        "sub",
        "sup",
        "mark",
        "q",
        "s",
        "small",
        "samp",
    }
)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<text>\S.*)$")
THEMATIC_BREAK = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")
FENCE_OPEN = re.compile(r"^[ \t]*(```+|~~~+)")
CHECK_COMMENT = re.compile(r"<!--\s*check\s*[=:]\s*\"?([\w ,-]*)\"?\s*-->")


@dataclass(frozen=True, slots=True)
class RawRule:
    """A rule sentence before the catalog has read it.

    `explicit` is None unless the file binds checks itself (`check="slug,slug"` on the
    element or one of its ancestors, or `<!-- check: slug -->` after a bullet); an empty
    tuple then means "advisory, do not guess".
    """

    file: str
    line: int
    tag_path: str
    text: str
    explicit: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ParsedRuleFile:
    path: str
    front_matter: FrontMatter
    rules: tuple[RawRule, ...]


def parse_rule_file(path: str, data: bytes) -> ParsedRuleFile:
    """Front matter plus the rules of the body (XML if it has `<agent>`, else Markdown)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(f"rule file is not UTF-8 (byte {error.start})", path) from None
    front = parse_front_matter(text, path)
    start = AGENT_START.search(text, front.body_offset)
    if start is None:
        return ParsedRuleFile(path, front, tuple(_markdown_rules(text, front, path)))
    return ParsedRuleFile(path, front, tuple(_xml_rules(text, start.start(), path)))


def normalise(text: str) -> str:
    """One line, single spaces: how a rule is quoted and matched."""
    return " ".join(text.split())


def parse_checks(value: str, path: str, line: int) -> tuple[str, ...]:
    """`"print-call, AG103"` -> slugs; `""` or `"none"` -> () (explicitly advisory)."""
    slugs: list[str] = []
    for name in re.split(r"[\s,]+", value.strip()):
        if not name or name.lower() in ("none", "advisory"):
            continue
        info = lookup(name)
        if info is None:
            raise UsageError(f"unknown check {name!r} (see `agent-guard explain`)", path, line, 1)
        slugs.append(info.slug)
    return tuple(dict.fromkeys(slugs))


# --- XML ------------------------------------------------------------------------------------


def _xml_rules(text: str, start: int, path: str) -> Iterator[RawRule]:
    from lxml import etree

    end = text.rfind(AGENT_END, start)
    stop = len(text) if end < 0 else end + len(AGENT_END)
    fragment = BARE_LESS_THAN.sub("&lt;", BARE_AMPERSAND.sub("&amp;", text[start:stop]))
    line_offset = text.count("\n", 0, start)
    column_offset = start - (text.rfind("\n", 0, start) + 1)
    parser = etree.XMLParser(
        recover=False,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(fragment.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        message = FRAGMENT_LINE.sub(lambda m: f"line {int(m[1]) + line_offset}", error.msg or "")
        message = " ".join(message.split())  # libxml2 ends some messages with a newline
        column = column + column_offset if line == 1 else column
        raise UsageError(f"invalid XML: {message}", path, line + line_offset, column) from None
    attribute = root.get("check")
    explicit = None if attribute is None else parse_checks(attribute, path, line_offset + 1)
    sentence = _own_text(root)
    if sentence:
        yield RawRule(path, _line(root) + line_offset, "agent", sentence, explicit)
    for child in _blocks(root):
        yield from _visit(child, "", explicit, path, line_offset)


def _visit(
    element: etree._Element,
    parent_path: str,
    explicit: tuple[str, ...] | None,
    path: str,
    line_offset: int,
) -> Iterator[RawRule]:
    """The element's own sentence (if any) as a rule, then its block children's rules."""
    tag = _tag(element)
    line = _line(element) + line_offset
    tag_path = f"{parent_path}/{tag}" if parent_path else tag
    attribute = element.get("check")
    bound = explicit if attribute is None else parse_checks(attribute, path, line)
    sentence = _own_text(element)
    if sentence:
        yield RawRule(path, line, tag_path, sentence, bound)
    for child in _blocks(element):
        yield from _visit(child, tag_path, bound, path, line_offset)


def _line(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 1


def _tag(element: etree._Element) -> str:
    return str(element.tag).rpartition("}")[2]


def _blocks(element: etree._Element) -> Iterator[etree._Element]:
    """Children that are rules or sections (not inline markup, comments or PIs)."""
    for child in element:
        if isinstance(child.tag, str) and _tag(child) not in INLINE_TAGS:
            yield child


def _own_text(element: etree._Element) -> str:
    """The element's sentence: its text and inline children's, without block children's."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and _tag(child) in INLINE_TAGS:
            parts.append("".join(str(part) for part in child.itertext()))
        parts.append(child.tail or "")
    return normalise("".join(parts))


# --- Markdown -------------------------------------------------------------------------------


def _markdown_rules(text: str, front: FrontMatter, path: str) -> Iterator[RawRule]:
    """Each bullet is a rule (continuation lines joined); headings give the tag path."""
    headings: list[tuple[int, str]] = []
    current: list[str] = []
    current_line = 0
    current_path = ""
    bullet_indent = 0
    fence: str | None = None

    def flush() -> Iterator[RawRule]:
        if current:
            sentence = " ".join(current)
            explicit = None
            found = CHECK_COMMENT.search(sentence)
            if found:
                explicit = parse_checks(found[1], path, current_line)
                sentence = CHECK_COMMENT.sub("", sentence)
            if normalise(sentence):
                yield RawRule(path, current_line, current_path, normalise(sentence), explicit)
        current.clear()

    body = text[front.body_offset :].splitlines()
    for index, line in enumerate(body):
        number = front.body_line + index
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        opened = FENCE_OPEN.match(line)
        if opened:
            yield from flush()
            fence = opened[1]
            continue
        heading = HEADING.match(line)
        if heading:
            yield from flush()
            level = len(heading[1])
            headings = [(lv, title) for lv, title in headings if lv < level]
            headings.append((level, normalise(heading[2])))
            continue
        bullet = BULLET.match(line)
        if bullet and not THEMATIC_BREAK.match(line):
            yield from flush()
            current.append(bullet["text"])
            current_line = number
            current_path = "/".join(title for _, title in headings)
            bullet_indent = len(bullet["indent"].expandtabs(4))
            continue
        indent = len(line) - len(line.lstrip())
        if current and line.strip() and indent > bullet_indent:
            current.append(line.strip())
            continue
        yield from flush()
    yield from flush()
