def handler(request)  # expect: AG108:23
    return request
