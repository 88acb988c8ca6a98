from requests import get as fetch


async def load(url):
    return fetch(url).json()  # expect: AG104:12
