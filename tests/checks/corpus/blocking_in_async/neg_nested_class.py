import time


async def make():
    class Helper:
        def wait(self):
            time.sleep(1)
    return Helper
