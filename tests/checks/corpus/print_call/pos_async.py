async def handler(request):
    print(request.headers)  # expect: AG102
    return request
