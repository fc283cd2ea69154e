"""The identity domain: accounts, roles, sign-in and tokens."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="identity",
    models=("backend.identity.models",),
    tasks=("backend.identity.tasks",),
    periodic={
        "purge-expired-refresh-tokens": Periodic(
            "identity.purge_expired_refresh_tokens", timedelta(hours=6)
        ),
        "purge-stale-sign-in-state": Periodic(
            "identity.purge_stale_sign_in_state", timedelta(hours=6)
        ),
    },
    graphql="backend.graphql_api.identity.parts",
    catalogue="identity",
    seed="backend.seed.demo:seed_accounts",
)
