# corpus-checks: broad-except
def load(read):
    try:
        return read()
    except Exception, OSError:  # expect: AG108:5, AG103:5
        pass
