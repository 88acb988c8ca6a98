# corpus-python: 3.12
class Box[T]:
    def __init__(self, item: T) -> None:
        self.item = item
