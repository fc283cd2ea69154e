"""Accounts, roles, sign-in and tokens."""
