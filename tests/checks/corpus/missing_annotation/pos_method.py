class Calc:
    def add(self, a, b: int) -> int:  # expect: AG106:5
        return a + b
