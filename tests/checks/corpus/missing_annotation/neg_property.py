class User:
    @property
    def name(self) -> str:
        return "x"
