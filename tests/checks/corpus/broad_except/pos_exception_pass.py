def load(path):
    try:
        return open(path).read()
    except Exception:  # expect: AG103:5
        return None
