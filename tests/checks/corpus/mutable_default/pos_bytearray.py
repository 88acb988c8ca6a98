def buffer(data, out=bytearray()):  # expect: AG101:22
    out.extend(data)
    return out
