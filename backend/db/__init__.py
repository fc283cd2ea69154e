"""Database access: the only package that knows which SQL dialect is in use."""
