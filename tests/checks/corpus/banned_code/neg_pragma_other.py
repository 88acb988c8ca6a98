# corpus-binding: {"targets": ["# pragma: no cover"]}
def branchy(flag):  # pragma: no branch
    return 1 if flag else 2
