def report(values: list[int]) -> int:
    total = 0
    for value in values:
        if value:
            if value > 10:
                total += value
    return total
