def add(item, items=[]):  # expect: AG101
    items.append(item)
    return items
