# corpus-binding: {"targets": ["datetime.now()"]}
from datetime import datetime


def stamp():
    return datetime.now().isoformat()  # expect: AG110:12
