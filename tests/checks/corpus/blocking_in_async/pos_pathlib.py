from pathlib import Path


async def read_config(name):
    return Path(name).read_text()  # expect: AG104:12
