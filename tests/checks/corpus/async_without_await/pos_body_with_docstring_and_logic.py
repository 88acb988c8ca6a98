async def compute(x):  # expect: AG105:1
    """Compute it."""
    y = x * 2
    return y
