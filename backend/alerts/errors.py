"""Refusals of the alerts domain: each carries a `reason` the app and operators can act on."""

from __future__ import annotations

from typing import Any

from backend.errors import BadUserInput, Conflict, Forbidden, NotFound


class _WithReason:
    """Adds `extensions.reason` (the message key, e.g. `alerts.same_operator`) to the code."""

    message_key: str

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "reason": self.message_key}  # type: ignore[misc]


class AlertConflict(_WithReason, Conflict):
    """The alert is not in a stage that allows the action (approve twice, issue a draft, …)."""


class AlertForbidden(_WithReason, Forbidden):
    """The operator may not do this (not an operator; approving their own draft)."""


class AlertInvalid(_WithReason, BadUserInput):
    """An area, a text or a time that CAP or this service does not accept."""


class AlertNotFound(_WithReason, NotFound):
    """No such alert, or one the viewer may not see."""
