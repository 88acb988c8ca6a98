async def locked(lock):
    async with lock:
        return True
