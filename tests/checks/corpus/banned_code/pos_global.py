# corpus-binding: {"targets": ["global"]}
COUNT = 0


def bump():
    global COUNT  # expect: AG110:5
    COUNT += 1
