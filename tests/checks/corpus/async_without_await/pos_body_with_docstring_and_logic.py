async def compute(x):  # expect: AG105
    """Compute it."""
    y = x * 2
    return y
