"""OneRoster 1.2 CSV import of a school's roster."""
