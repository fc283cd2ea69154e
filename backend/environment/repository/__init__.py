"""Every SQL statement of the environment domain."""
