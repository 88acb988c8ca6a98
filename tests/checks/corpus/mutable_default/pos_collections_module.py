import collections


def group(pairs, groups=collections.defaultdict(list)):  # expect: AG101:25
    for key, value in pairs:
        groups[key].append(value)
    return groups
