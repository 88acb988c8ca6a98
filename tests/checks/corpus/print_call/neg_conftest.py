# corpus-path: app/conftest.py
def pytest_configure(config):
    print("configuring")
