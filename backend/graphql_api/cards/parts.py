"""The cards domain's share of the schema."""

import strawberry

from backend.graphql_api.cards.mutations import CardsMutation
from backend.graphql_api.cards.passkey_mutations import PasskeyMutation
from backend.graphql_api.cards.queries import CardsViewerFields
from backend.graphql_api.cards.subscriptions import CardsSubscription
from backend.graphql_api.parts import GraphQLParts


@strawberry.type
class CardsAndPasskeysMutation(CardsMutation, PasskeyMutation):
    """Cards and the passkeys of civil servants."""


PARTS = GraphQLParts(
    mutation=CardsAndPasskeysMutation, viewer=CardsViewerFields, subscription=CardsSubscription
)
