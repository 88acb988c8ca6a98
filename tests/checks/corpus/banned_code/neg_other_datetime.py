# corpus-binding: {"targets": ["datetime.now()"]}
from django.utils import timezone


def stamp():
    return timezone.now()
