"""Every SQL statement of the schools domain, by topic."""
