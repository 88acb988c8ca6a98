# corpus-binding: {"targets": ["# pragma: no cover"]}
def debug_only():  # pragma: no cover  # expect: AG110:20
    return 1
