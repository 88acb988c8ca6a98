async def send(message, *, headers=None, retries=3):
    return message, headers or {}, retries
