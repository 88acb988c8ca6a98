def total(values: list[int] | None = None, extra=tuple()):
    return sum(values or ()) + sum(extra)
