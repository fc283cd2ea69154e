"""School services for parents: the public directory of schools and verified parent links."""
