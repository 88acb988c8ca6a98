def outer() -> int:
    def inner(x: int) -> int:
        return x
    return inner(1)
