async def ask():
    return input("name? ")  # expect: AG104:12
