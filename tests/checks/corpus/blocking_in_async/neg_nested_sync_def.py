import time


async def poll():
    def blocking():
        time.sleep(1)
    return blocking
