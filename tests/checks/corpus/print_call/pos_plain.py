def handle(order):
    print("handling", order)  # expect: AG102:5
