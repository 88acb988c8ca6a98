# corpus-binding: {"targets": ["relative-import"]}
from .models import User  # expect: AG110:1
from app.services import billing

__all__ = ["User", "billing"]
