def outer() -> None:
    def inner(x):  # expect: AG106
        return x
    inner(1)
