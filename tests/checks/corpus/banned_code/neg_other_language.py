# corpus-binding: {"targets": ["any", "Any"], "language": ["other"]}
from typing import Any


def parse(payload: Any) -> dict:
    return dict(payload)
