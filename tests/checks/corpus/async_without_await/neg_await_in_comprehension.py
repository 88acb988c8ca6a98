async def fetch_all(client, urls):
    return [await client.get(url) for url in urls]
