def add(item, items=[]):  # expect: AG101:21
    items.append(item)
    return items
