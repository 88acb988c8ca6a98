def fetch(url, *, headers={"accept": "json"}):  # expect: AG101
    return url, headers
