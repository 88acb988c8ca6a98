# corpus-path: backend/app/alembic/versions/fe56fa70289e_add_created_at.py
def upgrade():
    pass


def downgrade():
    pass
