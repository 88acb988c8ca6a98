class User:
    def __init__(self, name):  # expect: AG106
        self.name = name
