from time import sleep


async def poll():
    sleep(2)  # expect: AG104:5
