# corpus-binding: {"targets": ["Any"]}
import typing as t


def parse(payload: t.Any) -> dict:  # expect: AG110:20
    return dict(payload)
