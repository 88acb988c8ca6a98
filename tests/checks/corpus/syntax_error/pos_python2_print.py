import sys
print 'hello'  # expect: AG108:1
