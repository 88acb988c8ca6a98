# corpus-binding: {"targets": ["Any"]}
import typing as t


def parse(payload: t.Any) -> dict:  # expect: AG110
    return dict(payload)
