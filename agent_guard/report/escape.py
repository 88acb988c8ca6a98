"""Make untrusted text safe to print: file names and messages come from the checked change.

A file name can hold a newline, an ANSI escape sequence or bytes that are not UTF-8; printed
raw, it could forge report lines or recolour the terminal. Control characters become `\\xNN`
(or `\\n`, `\\t`), undecodable bytes (kept as surrogates) become `\\xNN`.
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape(text: str) -> str:
    """`text` with every control character and undecodable byte shown as an escape."""
    if text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in _NAMED:
            out.append(_NAMED[char])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        elif char in (
            "\u2028",
            "\u2029",
            "\u200e",
            "\u200f",
            "\u202a",
            "\u202b",
            "\u202c",
            "\u202d",
            "\u202e",
            "\u2066",
            "\u2067",
            "\u2068",
            "\u2069",
        ):
            out.append(f"\\u{code:04x}")  # line separators and bidi controls
        else:
            out.append(char)
    return "".join(out)
