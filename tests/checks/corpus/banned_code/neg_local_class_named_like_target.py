# corpus-binding: {"targets": ["BaseHTTPMiddleware"]}
class BaseHTTPMiddleware:
    pass


class Timing(BaseHTTPMiddleware):
    pass
