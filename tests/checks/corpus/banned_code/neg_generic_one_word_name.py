# corpus-binding: {"targets": ["Model"]}
from django.db.models import Model


class User(Model):
    pass
