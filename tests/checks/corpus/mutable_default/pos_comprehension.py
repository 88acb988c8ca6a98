def squares(n, table=[i * i for i in range(10)]):  # expect: AG101:22
    return table[n]
