# corpus-binding: {"targets": ["import-in-function"]}
import json


def load(text):
    import yaml  # expect: AG110:5
    return yaml.safe_load(text) or json.loads(text)
