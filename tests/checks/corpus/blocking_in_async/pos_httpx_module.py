import httpx


async def load(url):
    return httpx.get(url)  # expect: AG104:12
