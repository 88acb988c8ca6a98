class Tools:
    @staticmethod
    def double(x) -> int:  # expect: AG106:5
        return x * 2
