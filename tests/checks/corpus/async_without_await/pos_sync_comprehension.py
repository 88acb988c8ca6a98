async def names(users):  # expect: AG105
    return [user.name for user in users]
