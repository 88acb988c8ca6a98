import asyncio


async def later():  # expect: AG105
    return asyncio.sleep(1)
