import pprint


def dump(data):
    pprint.pprint(data)  # expect: AG102:5
