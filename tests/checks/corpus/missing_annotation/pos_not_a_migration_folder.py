# corpus-path: app/services/versions.py
def upgrade():  # expect: AG106:1
    pass
