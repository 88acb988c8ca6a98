# corpus-binding: {"targets": ["star-import"]}
from os.path import *  # expect: AG110:1

ROOT = join("a", "b")
