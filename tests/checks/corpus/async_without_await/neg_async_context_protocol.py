class Lock:
    async def __aenter__(self) -> "Lock":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None
