async def names(users):  # expect: AG105:1
    return [user.name for user in users]
