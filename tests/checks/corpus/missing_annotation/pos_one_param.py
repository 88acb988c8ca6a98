def add(a: int, b) -> int:  # expect: AG106:1
    return a + b
