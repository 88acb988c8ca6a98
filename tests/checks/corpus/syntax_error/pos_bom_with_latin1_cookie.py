# coding: latin-1  # expect: AG108:1
x = 1
