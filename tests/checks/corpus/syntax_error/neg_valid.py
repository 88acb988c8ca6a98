def handler(request: object) -> object:
    return request
