import time

import requests


def poll(url):
    time.sleep(1)
    return requests.get(url)
