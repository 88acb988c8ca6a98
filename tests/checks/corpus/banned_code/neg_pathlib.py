# corpus-binding: {"targets": ["os.path"]}
import os
from pathlib import Path


def config_file(root):
    return Path(root) / os.sep / "config.yaml"
