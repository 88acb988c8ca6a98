class Base:
    async def close(self):
        pass
