# corpus-binding: {"targets": ["==", "!="]}
def same(a, b):
    return a == b
