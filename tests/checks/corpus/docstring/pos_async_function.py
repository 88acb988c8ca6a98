# corpus-binding: {"scope": ["public"]}
async def fetch(url):  # expect: AG111:1
    return url
