def f(x: object) -> int:
    match x:
        case [1, *rest]:
            return len(rest)
        case _:
            return 0
