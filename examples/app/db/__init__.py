"""Database access: the engine and sessions."""
