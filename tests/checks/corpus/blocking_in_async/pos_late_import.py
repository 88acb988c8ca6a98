async def poll():
    sleep(1)  # expect: AG104:5


from time import sleep
