def quiet(print):
    print("not the builtin")


def loud():
    print("the builtin")  # expect: AG102:5
