"""The push pipeline's share of the schema."""

from backend.graphql_api.notifications.mutations import NotificationsMutation
from backend.graphql_api.notifications.subscriptions import NotificationsSubscription
from backend.graphql_api.notifications.types import NotificationViewerFields
from backend.graphql_api.parts import GraphQLParts

PARTS = GraphQLParts(
    mutation=NotificationsMutation,
    subscription=NotificationsSubscription,
    viewer=NotificationViewerFields,
)
