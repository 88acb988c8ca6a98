class Tools:
    @staticmethod
    def double(x) -> int:  # expect: AG106
        return x * 2
