async def outer(items):  # expect: AG105:1
    class Local:
        async def go(self):
            return await items
    return Local
