async def total(items):  # expect: AG105
    return sum(items)
