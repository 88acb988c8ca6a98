class Calc:
    def add(self, a, b: int) -> int:  # expect: AG106
        return a + b
