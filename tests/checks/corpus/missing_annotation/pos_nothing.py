def add(a, b):  # expect: AG106
    return a + b
