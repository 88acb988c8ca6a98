# corpus-binding: {"scope": ["public"]}
lambda_value = lambda x: x


class Config:
    """Settings."""

    name = "x"
