def build(n):
    items = []
    table = {}
    for i in range(n):
        items.append(i)
        table[i] = set()
    return items, table
