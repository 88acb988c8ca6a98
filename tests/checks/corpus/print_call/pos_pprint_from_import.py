from pprint import pprint as show


def dump(data):
    show(data)  # expect: AG102:5
