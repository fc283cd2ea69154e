"""Every SQL statement of the health domain, one module per kind of row.

Callers import the module they need (`from backend.health.repository import slots`); nothing is
re-exported here, so each statement has one name.
"""
