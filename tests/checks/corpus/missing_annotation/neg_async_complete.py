async def fetch(url: str, *, retries: int = 3) -> bytes:
    return url.encode() * retries
