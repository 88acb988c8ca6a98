# corpus-binding: {"targets": ["BaseHTTPMiddleware"]}
from starlette.middleware.base import BaseHTTPMiddleware


class Timing(BaseHTTPMiddleware):  # expect: AG110:14
    pass
