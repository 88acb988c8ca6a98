double = lambda x, factor=2: x * factor
