# corpus-binding: {"targets": ["eval"]}
def evaluate(model, eval):
    return eval(model)
