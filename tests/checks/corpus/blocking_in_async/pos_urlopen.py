from urllib.request import urlopen


async def load(url):
    with urlopen(url) as response:  # expect: AG104:10
        return response.read()
