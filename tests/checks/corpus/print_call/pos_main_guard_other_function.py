# corpus-path: app/main.py
def create_app():
    print("creating the app")  # expect: AG102:5
    return object()


def run() -> None:
    print("serving")


if __name__ == "__main__":
    run()
