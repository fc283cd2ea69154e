"""Per-request loaders of the schools domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.graphql_api.loaders import LoaderSet, by_ids, by_keys
from backend.schools import directory
from backend.schools.repository.rows import FeeRow, IntakeRow, SchoolRow


class SchoolsLoaders(LoaderSet):
    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads, now)
        self.school_by_id: DataLoader[uuid.UUID, SchoolRow | None] = by_ids(
            reads, directory.schools_by_ids
        )
        self.fees_by_school_id: DataLoader[uuid.UUID, list[FeeRow]] = by_keys(
            reads, directory.fees_of, list
        )
        self.intakes_by_school_id: DataLoader[uuid.UUID, list[IntakeRow]] = by_keys(
            reads, directory.intakes_of, list
        )
        self.zone_by_school_id: DataLoader[uuid.UUID, list[uuid.UUID]] = by_keys(
            reads, directory.zone_wards_of, list
        )
