import asyncio


async def poll():
    await asyncio.sleep(1)
