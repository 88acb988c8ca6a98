class Cart:
    def add(self, item, items=set()):  # expect: AG101:31
        items.add(item)
