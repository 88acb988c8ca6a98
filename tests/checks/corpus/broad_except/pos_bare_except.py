def parse(text):
    try:
        return int(text)
    except:  # expect: AG103
        return 0
