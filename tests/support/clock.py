"""A clock the API reads: tests move `Context.now()` without touching the system time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from backend.db.types import utcnow
from backend.graphql_api.context import Context


@dataclass
class Clock:
    """What `Context.now()` returns; None means the real time."""

    moment: datetime | None = None

    def now(self) -> datetime:
        return self.moment or utcnow()

    def set(self, moment: datetime) -> None:
        assert moment.tzinfo is not None
        self.moment = moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(Context, "now", lambda _self: found.now())
    return found
