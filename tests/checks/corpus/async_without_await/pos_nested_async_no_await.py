async def outer():
    await prepare()

    async def inner():  # expect: AG105:5
        return 1
    return inner


async def prepare():
    return await outer()
