import pathlib


async def save(name, data):
    target = pathlib.Path("/tmp") 
    target.write_bytes(data)  # expect: AG104:5
