# corpus-binding: {"targets": ["Any"]}
from typing import Any


def parse(payload: Any) -> dict:  # expect: AG110:20
    return dict(payload)
