"""Every SQL statement of the business domain, one module per topic; reads return the typed
rows of `rows`, entities only where data changes."""
