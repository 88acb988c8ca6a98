def parse(text):
    try:
        return int(text)
    except:  # expect: AG103:5
        return 0
