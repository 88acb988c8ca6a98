def handler(request)  # expect: AG108
    return request
