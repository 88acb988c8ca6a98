print("starting")  # expect: AG102
