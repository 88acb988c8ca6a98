def outer() -> None:
    def inner(x):  # expect: AG106:5
        return x
    inner(1)
