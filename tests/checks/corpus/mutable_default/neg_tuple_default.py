def pick(options=("a", "b")):
    return options[0]
