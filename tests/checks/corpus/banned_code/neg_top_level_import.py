# corpus-binding: {"targets": ["import-in-function", "relative-import", "star-import"]}
import json
from app.models import User

if True:
    import yaml


def load(text):
    return yaml.safe_load(text) or json.loads(text) or User
