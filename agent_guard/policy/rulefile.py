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

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent_guard.checks.registry import lookup
from agent_guard.errors import UsageError
from agent_guard.policy.frontmatter import FrontMatter, parse_front_matter
from agent_guard.policy.gate import contains_any

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
BULLET = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?:[-*+\u2022]|\d{1,9}[.)])[ \t]+|(?P<mark>\u2705|\u274c|\u26d4|"
    r"\U0001f6ab|\u2714\ufe0f?|\u2716\ufe0f?|\u2717|\u2718)[ \t]*)(?P<text>\S.*)$"
)
MARK = re.compile(
    r"^(?P<mark>\u2705|\u274c|\u26d4|\U0001f6ab|\u2714\ufe0f?|\u2716\ufe0f?|\u2717|\u2718)[ \t]*"
    r"(?P<text>\S.*)$"
)
DONT_MARKS = frozenset(
    {"\u274c", "\u26d4", "\U0001f6ab", "\u2716", "\u2716\ufe0f", "\u2717", "\u2718"}
)
BLOCKQUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
TABLE_SEPARATOR = re.compile(
    r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$"
)
COMMENT_LINE = re.compile(r"^[ \t]*#(?:[ \t]|$)")
HTML_COMMENT = re.compile(r"<!--(?!\s*check\s*[=:]).*?-->", re.DOTALL)
# Where a paragraph breaks into sentences: after . ! ? (or a full-width stop) followed by a
# capital, a code span or markup; never after an abbreviation such as "e.g." or "etc.".
SENTENCE_END = re.compile(
    r"(?<=[.!?])(?:\*\*|__)?[ \t\n]+(?=[A-Z`*_\"'(\[])|(?<=[\u3002\uff01\uff1f])"
)
SENTENCE_OR_LINE_END = re.compile(SENTENCE_END.pattern + r"|\n")
ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|Dr|Mr|Mrs|No)\.|\b[A-Z]\.)$")
CODE_SPAN = re.compile(r"`[^`\n]*`")
# A lead-in label: a short item or line without a full stop ("Never:", "**Ask first**",
# "Files to never modify manually"), whose list items inherit its force and subject.
LABEL_WORDS = 8
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
    # What the sentence inherits from the list items above it and the lead-in that opens its
    # list ("Never:", "Ask first", "FORBIDDEN imports:"): read for force and subject, never
    # quoted. Nearest last, joined by " / ".
    context: str = ""


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
        from agent_guard.policy.binders import NEW_CHECKS

        if name.lower() in NEW_CHECKS:  # bound and shown; its check module is still to come
            slugs.append(name.lower())
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


@dataclass(slots=True)
class _Item:
    """A list item being read: its lines, where it starts, and what it inherits."""

    lines: list[str]
    line: int
    indent: int
    context: str


def _markdown_rules(text: str, front: FrontMatter, path: str) -> Iterator[RawRule]:
    """Bullets, numbered items, table rows and prose sentences, each one rule.

    Headings give the tag path. Nested items inherit their parents' text as context; a
    paragraph or item ending in ":" is the lead-in of the list that follows it. A file whose
    every line is a `#` comment is read with the markers removed. Fenced code and HTML
    comments are not rules.
    """
    body = HTML_COMMENT.sub(_comment_text, text[front.body_offset :])
    lines = body.splitlines()
    if _comment_style(lines):
        lines = [_uncomment(line) for line in lines]
    reader = _MarkdownReader(path, front.body_line)
    for index, line in enumerate(lines):
        yield from reader.feed(line, front.body_line + index)
    yield from reader.close()


def _comment_text(match: re.Match[str]) -> str:
    """An HTML comment's words, kept on their lines: notices such as "generated, do not
    edit" are rules too. Markers go, so nothing else in it is read as markup."""
    inner = match[0][4:-3]
    return inner.replace("<", " ").replace(">", " ")


def _comment_style(lines: list[str]) -> bool:
    """Every (or nearly every) line a `#` comment, some of them sentences or bullets."""
    filled = [line for line in lines if line.strip()]
    commented = [line for line in filled if COMMENT_LINE.match(line)]
    if not filled or len(commented) < 0.6 * len(filled):
        return False
    prose = [
        line
        for line in commented
        if re.match(r"^[ \t]*#[ \t]+-[ \t]", line) or line.rstrip().endswith(".")
    ]
    return len(prose) >= 2


def _uncomment(line: str) -> str:
    """`# - item` -> `- item`; `# Title` (short, no full stop) -> a heading."""
    if not COMMENT_LINE.match(line):
        return line
    rest = re.sub(r"^[ \t]*#[ \t]?", "", line, count=1)
    stripped = rest.strip()
    if stripped and not BULLET.match(rest) and not rest[:1].isspace() and _is_label(stripped):
        return "## " + stripped.rstrip(":")
    return rest


def _is_label(text: str) -> bool:
    """A short line that introduces what follows rather than saying something itself."""
    plain = CODE_SPAN.sub("x", text).strip().strip("*_").strip()
    if plain.endswith(":"):
        return True
    if plain.endswith((".", "!", "?", ";")):
        return False
    return len(plain.split()) <= LABEL_WORDS and "`" not in text


class _MarkdownReader:
    """A line-at-a-time reader: simpler to follow than one regular expression per block."""

    def __init__(self, path: str, first_line: int) -> None:
        self.path = path
        self.headings: list[tuple[int, str]] = []
        self.fence: str | None = None
        self.item: _Item | None = None
        self.stack: list[tuple[int, str]] = []  # open list items: (indent, inherited context)
        self.paragraph: list[tuple[int, str]] = []
        self.lead_in = ""  # a paragraph ending in ":" just before a list
        self.blank = True
        self.table_header: list[str] | None = None
        self.table_pending: tuple[int, list[str]] | None = None

    @property
    def tag_path(self) -> str:
        return "/".join(title for _, title in self.headings)

    def feed(self, raw: str, number: int) -> Iterator[RawRule]:
        if self.fence is not None:
            if raw.strip().startswith(self.fence):
                self.fence = None
            return
        line = BLOCKQUOTE.sub("", raw)
        opened = FENCE_OPEN.match(line)
        if opened:
            yield from self._flush_all(keep_list=True)
            self.fence = opened[1]
            return
        if not line.strip():
            yield from self._flush_paragraph()
            yield from self._flush_item()
            yield from self._flush_table()
            self.blank = True
            return
        heading = HEADING.match(line)
        if heading:
            yield from self._flush_all(keep_list=False)
            level = len(heading[1])
            self.headings = [(lv, title) for lv, title in self.headings if lv < level]
            self.headings.append((level, normalise(heading[2])))
            self.lead_in = ""
            self.blank = True
            return
        if TABLE_ROW.match(line):
            yield from self._flush_paragraph()
            yield from self._flush_item()
            yield from self._table_row(line, number)
            self.blank = False
            return
        yield from self._flush_table()
        bullet = BULLET.match(line)
        if bullet and not THEMATIC_BREAK.match(line):
            yield from self._start_item(bullet, number)
            self.blank = False
            return
        if THEMATIC_BREAK.match(line):
            yield from self._flush_all(keep_list=False)
            return
        indent = len(line) - len(line.lstrip())
        if self.item is not None and (not self.blank or indent > self.item.indent):
            self.item.lines.append(line.strip())  # indented or lazy continuation
            self.blank = False
            return
        if self.blank and self.stack and indent <= self.stack[0][0]:
            self.stack.clear()  # a paragraph at the list's margin ends the list
            self.lead_in = ""
        self.paragraph.append((number, line.strip()))
        self.blank = False

    def close(self) -> Iterator[RawRule]:
        yield from self._flush_all(keep_list=False)

    # -- lists --

    def _start_item(self, bullet: re.Match[str], number: int) -> Iterator[RawRule]:
        yield from self._flush_paragraph()
        yield from self._flush_item()
        indent = len(bullet["indent"].expandtabs(4))
        while self.stack and self.stack[-1][0] >= indent:
            self.stack.pop()
        context = self.stack[-1][1] if self.stack else self.lead_in
        text = bullet["text"]
        mark = bullet["mark"]
        inner = MARK.match(text) if not mark else None
        if inner is not None:  # "- ❌ Never ..."
            mark, text = inner["mark"], inner["text"]
        if mark:
            context = _join(context, "Don't" if mark in DONT_MARKS else "Do")
        self.item = _Item([text], number, indent, context)

    def _flush_item(self) -> Iterator[RawRule]:
        item, self.item = self.item, None
        if item is None:
            return
        sentence = " ".join(item.lines)
        yield from self._emit(sentence, item.line, item.context)
        self.stack.append((item.indent, _join(item.context, normalise(sentence))))

    # -- paragraphs --

    def _flush_paragraph(self) -> Iterator[RawRule]:
        lines, self.paragraph = self.paragraph, []
        if not lines:
            return
        context = self.stack[-1][1] if self.stack else ""
        for number, sentence in _sentences(lines):
            yield from self._emit(sentence, number, context)
        last = lines[-1][1].rstrip()
        self.lead_in = normalise(" ".join(t for _, t in lines)) if last.endswith(":") else ""
        if len(lines) == 1 and _is_label(lines[0][1]):
            self.lead_in = normalise(lines[0][1])

    # -- tables --

    def _table_row(self, line: str, number: int) -> Iterator[RawRule]:
        if TABLE_SEPARATOR.match(line):
            if self.table_pending is not None:
                self.table_header = self.table_pending[1]
                self.table_pending = None
            return
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if self.table_header is None:
            if self.table_pending is not None:
                yield from self._emit(" — ".join(self.table_pending[1]), self.table_pending[0], "")
            self.table_pending = (number, cells)
            return
        header = self.table_header
        if any(_do_or_dont(h) for h in header):
            for title, cell in zip(header, cells, strict=False):
                if cell and cell not in ("-", "—"):
                    yield from self._emit(cell, number, _join(self.lead_in, title))
            return
        yield from self._emit(" — ".join(c for c in cells if c), number, " — ".join(header))

    def _flush_table(self) -> Iterator[RawRule]:
        if self.table_pending is not None:
            number, cells = self.table_pending
            self.table_pending = None
            yield from self._emit(" — ".join(c for c in cells if c), number, "")
        self.table_header = None

    # -- shared --

    def _flush_all(self, *, keep_list: bool) -> Iterator[RawRule]:
        yield from self._flush_paragraph()
        yield from self._flush_item()
        yield from self._flush_table()
        if not keep_list:
            self.stack.clear()
            self.lead_in = ""

    def _emit(self, sentence: str, line: int, context: str) -> Iterator[RawRule]:
        explicit = None
        found = CHECK_COMMENT.search(sentence)
        if found:
            explicit = parse_checks(found[1], self.path, line)
            sentence = CHECK_COMMENT.sub("", sentence)
        text = normalise(sentence)
        if text:
            yield RawRule(self.path, line, self.tag_path, text, explicit, context)


def _join(context: str, text: str) -> str:
    return f"{context} / {text}" if context else text


def _do_or_dont(title: str) -> bool:
    word = title.strip("*_ ").lower().replace("\u2019", "'")
    return word in {"do", "don't", "dont", "do not", "avoid", "prefer", "never", "always",
                    "good", "bad", "instead", "use", "\u2705", "\u274c"}  # fmt: skip


def _sentences(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """A paragraph's sentences, each with the line it starts on; code spans never split.

    A line break also ends a sentence when the line before is short and the next starts
    with a capital: lines written one statement per line, without full stops.
    """
    text = ""
    starts: list[tuple[int, int]] = []  # (offset in text, line number)
    previous = ""
    for number, line in lines:
        if text:
            joint = "\n" if _separate_lines(previous, line) else " "
            text += joint
        starts.append((len(text), number))
        text += line
        previous = line
    masked = CODE_SPAN.sub(_mask, text) if "`" in text else text
    cuts = [0]
    for match in SENTENCE_OR_LINE_END.finditer(masked) if _may_end_sentence(masked) else ():
        # An abbreviation is at most 7 characters long: look at the end of the text before
        # the cut only (searching all of it for each cut would be quadratic in its length).
        if ABBREVIATIONS.search(masked, max(0, match.start() - 12), match.start()):
            continue
        cuts.append(match.end())
    cuts.append(len(text))
    for begin, end in itertools.pairwise(cuts):
        sentence = text[begin:end].strip()
        if sentence:
            yield _line_at(starts, begin), sentence


# Every SENTENCE_OR_LINE_END match holds one of these: a stop followed by a space or by the
# emphasis that may close before it, a line break, or a full-width stop.
SENTENCE_END_MARKS = (
    *(stop + after for stop in ".!?" for after in (" ", "\t", "*", "_")),
    *("\n", "\u3002", "\uff01", "\uff1f"),
)


def _may_end_sentence(text: str) -> bool:
    """Whether a sentence could end inside `text`: most rules are one sentence, and the
    search (a look-behind at every character) costs ten times this test."""
    return contains_any(text, SENTENCE_END_MARKS)


def _mask(span: re.Match[str]) -> str:
    """A code span of the same length with nothing in it that could end a sentence."""
    return "`" + "x" * (len(span[0]) - 2) + "`"


def _separate_lines(previous: str, line: str) -> bool:
    ended = previous.rstrip().endswith((".", "!", "?", ":", ")"))
    return (not ended) and len(previous) < 70 and line[:1].isupper() and not ended


def _line_at(starts: list[tuple[int, int]], offset: int) -> int:
    line = starts[0][1]
    for begin, number in starts:
        if begin > offset:
            break
        line = number
    return line
