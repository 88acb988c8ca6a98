async def outer(client):  # expect: AG105
    async def inner():
        return await client.get()
    return inner
