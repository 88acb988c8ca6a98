def configure(name, settings={}):  # expect: AG101
    settings[name] = True
    return settings
