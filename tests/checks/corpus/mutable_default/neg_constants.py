def greet(name="world", times=1, loud=False, ratio=0.5):
    return name * times
