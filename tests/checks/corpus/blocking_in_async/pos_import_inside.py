async def poll():
    import time
    time.sleep(1)  # expect: AG104:5
