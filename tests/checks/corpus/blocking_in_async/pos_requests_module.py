import requests


async def create(url, body):
    return requests.post(url, json=body)  # expect: AG104:12
