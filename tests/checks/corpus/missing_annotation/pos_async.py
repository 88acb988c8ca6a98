async def fetch(url: str):  # expect: AG106:1
    return url
