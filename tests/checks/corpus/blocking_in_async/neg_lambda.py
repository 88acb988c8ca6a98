import asyncio
import time


async def poll():
    await asyncio.to_thread(lambda: time.sleep(1))
