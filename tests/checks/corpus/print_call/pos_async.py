async def handler(request):
    print(request.headers)  # expect: AG102:5
    return request
