def load_plugins(names, importer):
    loaded = []
    for name in names:
        try:
            loaded.append(importer(name))
        except BaseException:  # expect: AG103:9
            continue
    return loaded
