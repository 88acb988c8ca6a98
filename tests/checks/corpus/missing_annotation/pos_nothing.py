def add(a, b):  # expect: AG106:1
    return a + b
