def add(a: int, b) -> int:  # expect: AG106
    return a + b
