"""What the whole test suite shares: the test databases and services, the app as a client sees
it, GraphQL answers, sessions, an injectable clock and snapshots of written tables."""
