async def total(items):  # expect: AG105:1
    return sum(items)
