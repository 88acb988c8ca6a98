import httpx


async def load(url):
    with httpx.Client() as client:
        return client.get(url)  # expect: AG104:16
