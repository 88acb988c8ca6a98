# corpus-binding: {"targets": ["global"]}
COUNT = 0


def bump(count):
    count += 1
    return count
