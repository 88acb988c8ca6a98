class User:
    @classmethod
    def create(cls, name: str) -> "User":
        return cls()
