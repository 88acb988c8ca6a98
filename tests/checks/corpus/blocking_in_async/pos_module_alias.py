import time as t


async def poll():
    t.sleep(0.5)  # expect: AG104:5
