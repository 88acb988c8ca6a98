def configure(name, settings={}):  # expect: AG101:30
    settings[name] = True
    return settings
