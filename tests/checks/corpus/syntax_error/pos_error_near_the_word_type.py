type = "int"
if type == "int"  # expect: AG108:19
    pass
