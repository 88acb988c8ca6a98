from starlette.routing import Router as R

routes = R()


@routes.route("/ping")
async def ping(request):  # expect: AG107:1
    async for chunk in request.stream():
        pass
    return "pong"
