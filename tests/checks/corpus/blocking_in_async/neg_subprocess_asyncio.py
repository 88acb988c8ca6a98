import asyncio


async def build():
    proc = await asyncio.create_subprocess_exec("make")
    return await proc.wait()
