# -*- coding: no-such-codec -*-  # expect: AG108:1
x = 1
