"""Fake credentials in real formats, generated at test time (no token literal in the source).

Seeded, so a failing test shows the same values every run. Bodies are random, so no
placeholder word (EXAMPLE, xxxx) ends up in them by accident.
"""

from __future__ import annotations

import random
import string

_RNG = random.Random(6)
_B62 = string.ascii_letters + string.digits


def random_text(length: int, alphabet: str = _B62) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def github_token() -> str:
    return "gh" + "p_" + random_text(36)


def stripe_key() -> str:
    return "sk_" + "live_" + random_text(24)


def aws_key_id() -> str:
    return "AK" + "IA" + random_text(16, string.ascii_uppercase + "234567")


def password() -> str:
    while True:
        # no "#" or ";": unquoted in .env or .ini files, either would start a comment
        value = random_text(16, _B62 + "!%^*-_+=")
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value):
            return value
