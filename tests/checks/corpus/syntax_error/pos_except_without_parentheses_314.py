def current_user(decode, token):
    try:
        return decode(token)
    except KeyError, ValueError:  # expect: AG108:5
        return None
