# corpus-binding: {"targets": ["eval"]}
def compute(expression):
    return eval(expression)  # expect: AG110:12
