# corpus-options: {"requires_python": ">=3.10"}
def parse(raw):
    try:
        return int(raw)
    except TypeError, ValueError:  # expect: AG108:5
        return 0
