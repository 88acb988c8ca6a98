# corpus-path: app/testing_utils.py
def helper():
    print("debug")  # expect: AG102:5
