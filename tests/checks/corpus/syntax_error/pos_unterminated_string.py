x = 1
message = 'oops  # expect: AG108:11
