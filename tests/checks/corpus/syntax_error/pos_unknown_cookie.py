# -*- coding: no-such-codec -*-  # expect: AG108
x = 1
