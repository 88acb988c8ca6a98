class User:
    def __init__(self, name):  # expect: AG106:5
        self.name = name
