"""The pushes of the business domain. They carry ids and a status, never a business's name,
an officer's note or a rejection's reason: the app fetches those over an authenticated request."""

from __future__ import annotations

from backend.business.models import Application, ApplicationStatus, Membership, Permit
from notifications.messages import PushMessage, Text
from notifications.models import Category


def application_updated(application: Application) -> PushMessage:
    """Each step of an application, to every account acting for the business."""
    status = application.status
    return PushMessage(
        category=Category.BUSINESS,
        type="business_application.updated",
        title=Text.from_catalogue("business.push.application.title"),
        body=Text.from_catalogue(f"business.push.application.{status.value}"),
        deep_link=f"citizenhub://business-applications/{application.id}",
        data={"applicationId": str(application.id), "status": status.value.upper()},
        collapse_key=f"business-application-{application.id.hex}",
        ttl="week",
    )


def claim_decided(membership: Membership, *, approved: bool) -> PushMessage:
    return _membership(
        membership,
        "business.push.claim_approved.body" if approved else "business.push.claim_rejected.body",
    )


def staff_added(membership: Membership) -> PushMessage:
    return _membership(membership, "business.push.staff_added.body")


def _membership(membership: Membership, body: str) -> PushMessage:
    return PushMessage(
        category=Category.BUSINESS,
        type="business_membership.updated",
        title=Text.from_catalogue("business.push.membership.title"),
        body=Text.from_catalogue(body),
        deep_link=f"citizenhub://business-memberships/{membership.id}",
        data={"membershipId": str(membership.id), "status": membership.status.value.upper()},
        collapse_key=f"business-membership-{membership.id.hex}",
        ttl="week",
    )


def renewal_due(permit: Permit) -> PushMessage:
    assert permit.valid_until is not None
    return PushMessage(
        category=Category.BUSINESS,
        type="business_permit.renewal_due",
        title=Text.from_catalogue("business.push.renewal.title"),
        body=Text.from_catalogue(
            "business.push.renewal.body",
            number=permit.number,
            date=permit.valid_until.strftime("%d/%m/%Y"),
        ),
        deep_link=f"citizenhub://business-permits/{permit.id}",
        data={"permitId": str(permit.id)},
        collapse_key=f"business-permit-{permit.id.hex}",
        ttl="week",
    )


# Every status an application can be pushed in (a draft is nobody's news).
PUSHED_STATUSES = tuple(
    status for status in ApplicationStatus if status is not (ApplicationStatus.DRAFT)
)
