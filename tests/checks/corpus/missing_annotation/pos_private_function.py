def _helper(x: int):  # expect: AG106
    return x
