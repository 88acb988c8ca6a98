async def poll():
    sleep(1)  # expect: AG104


from time import sleep
