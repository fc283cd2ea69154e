"""The configurable rules of booking, read once from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from backend.settings import Settings


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    cancel_cutoff: timedelta = timedelta(hours=2)  # citizens cancel up to this before the start
    max_upcoming: int = 5  # booked appointments ahead per account (anti-hoarding)
    horizon_days: int = 30  # days of slots kept materialised ahead

    @classmethod
    def from_settings(cls, settings: Settings) -> HealthPolicy:
        return cls(
            cancel_cutoff=timedelta(minutes=settings.health_cancel_cutoff_minutes),
            max_upcoming=settings.health_max_upcoming_appointments,
            horizon_days=settings.health_slot_horizon_days,
        )
