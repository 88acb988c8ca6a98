from typing import overload


@overload
async def get(key: int) -> int: ...
@overload
async def get(key: str) -> str: ...
async def get(key):
    return await resolve(key)


async def resolve(key):
    return await get(key)
