print("starting")  # expect: AG102:1
