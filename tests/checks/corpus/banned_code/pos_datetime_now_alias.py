# corpus-binding: {"targets": ["datetime.now()"]}
from datetime import datetime as dt


def stamp():
    return dt.now()  # expect: AG110:12
