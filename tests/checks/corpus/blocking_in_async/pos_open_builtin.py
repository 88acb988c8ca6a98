async def read_config(path):
    with open(path) as handle:  # expect: AG104:10
        return handle.read()
