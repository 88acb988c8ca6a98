async def copy(src, dst):  # expect: AG105:1
    with open(src) as handle:
        for line in handle:
            dst.write(line)
