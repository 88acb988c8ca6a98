class Worker:
    async def step(self, job):
        try:
            await job()
        except Exception:  # expect: AG103:9
            return False
        return True
