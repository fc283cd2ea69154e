"""What an alert says (CAP's `<info>` and `<area>`), checked the same way for operators and for
threshold rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from backend.alerts import areas as area_rules
from backend.alerts.areas import Area
from backend.alerts.errors import AlertInvalid
from backend.alerts.models import (
    Alert,
    Category,
    Certainty,
    ResponseType,
    Scope,
    Severity,
    Status,
    Urgency,
)
from backend.i18n import Translated

MAX_HEADLINE = 160  # CAP advises short headlines (about 160 characters)
MAX_TEXT = 3000
MAX_EVENT = 120


@dataclass(frozen=True, slots=True)
class AlertContent:
    status: Status
    scope: Scope
    category: Category
    event: Translated
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    response_type: ResponseType
    headline: Translated
    description: Translated
    instruction: Translated
    areas: Sequence[Area]
    onset: datetime | None = None
    expires: datetime | None = None


def _check_text(text: Translated, field: str, limit: int) -> None:
    if not text.texts.get("en"):
        raise AlertInvalid("alerts.text_required", field=field)
    if any(len(value) > limit for value in text.texts.values()):
        raise AlertInvalid("alerts.text_too_long", field=field, max=limit)


def checked(content: AlertContent) -> AlertContent:
    """The content if it can be issued: texts in Vietnamese and English, sane times and areas.
    A CAP `Draft` status is refused: drafts here are a stage, not a status."""
    if content.status is Status.DRAFT:
        raise AlertInvalid("alerts.status_draft", field="status")
    _check_text(content.event, "event", MAX_EVENT)
    _check_text(content.headline, "headline", MAX_HEADLINE)
    _check_text(content.description, "description", MAX_TEXT)
    _check_text(content.instruction, "instruction", MAX_TEXT)
    if content.onset and content.expires and content.expires <= content.onset:
        raise AlertInvalid("alerts.expires_before_onset", field="expires")
    area_rules.checked(content.areas)
    return content


def apply(alert: Alert, content: AlertContent) -> None:
    """Write the content onto an alert row."""
    alert.status = content.status
    alert.scope = content.scope
    alert.category = content.category
    alert.event = content.event
    alert.urgency = content.urgency
    alert.severity = content.severity
    alert.certainty = content.certainty
    alert.response_type = content.response_type
    alert.headline = content.headline
    alert.description = content.description
    alert.instruction = content.instruction
    alert.areas = [area.as_json() for area in content.areas]
    alert.onset = content.onset
    alert.expires = content.expires


def of(alert: Alert) -> AlertContent:
    """An alert row's content, e.g. to start an Update from it."""
    return AlertContent(
        status=alert.status,
        scope=alert.scope,
        category=alert.category,
        event=alert.event,
        urgency=alert.urgency,
        severity=alert.severity,
        certainty=alert.certainty,
        response_type=alert.response_type,
        headline=alert.headline,
        description=alert.description,
        instruction=alert.instruction,
        areas=[Area.from_json(area) for area in alert.areas],
        onset=alert.onset,
        expires=alert.expires,
    )
