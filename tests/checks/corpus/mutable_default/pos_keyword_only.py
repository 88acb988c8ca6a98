def fetch(url, *, headers={"accept": "json"}):  # expect: AG101:27
    return url, headers
