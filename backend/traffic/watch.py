"""What a live subscriber near a point is shown of the incidents announced on the channel."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from shapely.geometry import Point

from backend.db import spatial
from backend.traffic import incidents
from backend.traffic.models import IncidentType
from backend.traffic.repository.rows import IncidentRow


class Watch:
    """What one subscriber follows: incidents of some types (all when none) within a radius of
    a point (the whole city without one). An incident it was shown that no longer matches (moved
    away, changed type) is shown once more, so the app can drop it, then forgotten."""

    # Incidents remembered as shown; past this the oldest are forgotten (bounded memory).
    REMEMBERED = 1000

    def __init__(
        self, near: Point | None, radius_m: float | None, types: Sequence[IncidentType]
    ) -> None:
        self.near = near
        self.radius_m = incidents.checked_radius(near, radius_m)
        incidents.checked_types(types)
        self.types = frozenset(types)
        self._shown: dict[uuid.UUID, None] = {}

    def matches(self, row: IncidentRow) -> bool:
        if self.types and row.type not in self.types:
            return False
        if self.near is None or self.radius_m is None:
            return True
        return spatial.distance_m(row.location, self.near) <= self.radius_m

    def shows(self, row: IncidentRow) -> bool:
        """Whether to push this change of `row` to the subscriber."""
        if self.matches(row) and row.closed_at is None:
            self._shown.pop(row.id, None)
            self._shown[row.id] = None
            if len(self._shown) > self.REMEMBERED:
                del self._shown[next(iter(self._shown))]
            return True
        if row.id in self._shown:
            del self._shown[row.id]  # its last word: closed, moved away or changed type
            return True
        return self.matches(row)  # closed before this socket saw it: still its news
