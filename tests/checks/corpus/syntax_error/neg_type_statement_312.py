# corpus-python: 3.12
type Vector = list[float]


def first[T](items: list[T]) -> T:
    return items[0]
