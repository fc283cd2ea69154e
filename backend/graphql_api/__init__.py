"""The GraphQL API: one twin package per domain, plus the shared mechanics."""
