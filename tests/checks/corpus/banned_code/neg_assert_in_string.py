# corpus-binding: {"targets": ["assert", "# type: ignore"]}
HELP = "never assert in production; no '# type: ignore' either"


def check(value):
    if value < 0:
        raise ValueError(HELP)
