# coding: latin-1  # expect: AG108
x = 1
