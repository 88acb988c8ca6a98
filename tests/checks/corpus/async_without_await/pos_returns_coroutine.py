import asyncio


async def later():  # expect: AG105:1
    return asyncio.sleep(1)
