async def outer(client):  # expect: AG105:1
    async def inner():
        return await client.get()
    return inner
