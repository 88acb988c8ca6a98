async def fetch(url: str):  # expect: AG106
    return url
