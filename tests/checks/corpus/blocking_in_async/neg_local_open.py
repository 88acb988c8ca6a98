async def read(store, name):
    open = store.open
    return await open(name)
