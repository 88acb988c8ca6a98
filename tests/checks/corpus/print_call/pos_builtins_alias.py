from builtins import print as echo


def hello():
    echo("hello")  # expect: AG102:5
