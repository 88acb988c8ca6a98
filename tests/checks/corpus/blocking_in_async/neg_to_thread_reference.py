import asyncio
import time


async def poll():
    await asyncio.to_thread(time.sleep, 1)
