# corpus-binding: {"targets": ["star-import"]}
from os.path import *  # expect: AG110

ROOT = join("a", "b")
