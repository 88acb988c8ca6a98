class Cart:
    def add(self, item, items=set()):  # expect: AG101
        items.add(item)
