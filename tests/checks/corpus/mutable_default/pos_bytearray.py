def buffer(data, out=bytearray()):  # expect: AG101
    out.extend(data)
    return out
