import time


async def poll():
    time.sleep(1)  # expect: AG104:5
