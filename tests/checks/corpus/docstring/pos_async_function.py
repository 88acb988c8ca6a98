# corpus-binding: {"scope": ["public"]}
async def fetch(url):  # expect: AG111
    return url
