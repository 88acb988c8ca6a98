# corpus-binding: {"targets": ["os.system"]}
from os import system as run


def deploy():
    run("make deploy")  # expect: AG110:5
