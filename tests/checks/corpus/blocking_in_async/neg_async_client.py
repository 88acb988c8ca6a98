import httpx


async def load(url):
    async with httpx.AsyncClient() as client:
        return await client.get(url)
