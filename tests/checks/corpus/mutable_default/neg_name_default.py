DEFAULTS = {"a": 1}


def lookup(key, table=DEFAULTS):
    return table[key]
