class Repo:
    async def count(self):  # expect: AG105
        return 0
