"""Every SQL statement of the traffic domain, by topic."""
