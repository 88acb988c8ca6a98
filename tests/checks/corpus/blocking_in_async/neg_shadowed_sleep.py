import asyncio


async def sleep(seconds):
    await asyncio.sleep(seconds)


async def poll():
    await sleep(1)
