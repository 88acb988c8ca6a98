def allowed(name, names=frozenset({"a", "b"})):
    return name in names
