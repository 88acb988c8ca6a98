# corpus-python: 3.12
names = ["a"]
print(f"{", ".join(f"{n!r}" for n in names)}")
