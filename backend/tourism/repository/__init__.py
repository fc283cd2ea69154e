"""Every SQL statement of the tourism domain, one module per kind of row; reads return the typed
rows of `rows`, never entities."""
