def _helper(x: int):  # expect: AG106:1
    return x
