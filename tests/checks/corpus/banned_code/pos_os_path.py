# corpus-binding: {"targets": ["os.path"]}
import os


def config_file(root):
    return os.path.join(root, "config.yaml")  # expect: AG110:12
