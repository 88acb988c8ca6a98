class Settings:
    print("loading settings")  # expect: AG102
    debug = False
