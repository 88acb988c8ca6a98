class Settings:
    print("loading settings")  # expect: AG102:5
    debug = False
