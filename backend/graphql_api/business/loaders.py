"""Per-request loaders of the business domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from backend.business import documents, reads, registry, workdays
from backend.business.repository.rows import (
    AgencyRow,
    ApplicationDocumentRow,
    ApplicationEventRow,
    BusinessRow,
    PermitRow,
    PermitTypeRow,
)
from backend.db.reads import RequestReads
from backend.files.service import FileInfo
from backend.graphql_api.loaders import LoaderSet, by_ids, by_keys


class BusinessLoaders(LoaderSet):
    def __init__(self, reads_: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads_, now)

        async def certificates(
            session: AsyncSession, keys: Sequence[uuid.UUID]
        ) -> Mapping[uuid.UUID, list[PermitRow]]:
            return await reads.certificates_of(session, keys, workdays.local_day(now()))

        async def permits(
            session: AsyncSession, keys: Sequence[uuid.UUID]
        ) -> Mapping[uuid.UUID, list[PermitRow]]:
            return await reads.permits_of(session, keys, workdays.local_day(now()))

        self.business_by_id: DataLoader[uuid.UUID, BusinessRow | None] = by_ids(
            reads_, registry.businesses_by_ids
        )
        self.permit_type_by_id: DataLoader[uuid.UUID, PermitTypeRow | None] = by_ids(
            reads_, reads.permit_types_by_ids
        )
        self.agency_by_id: DataLoader[uuid.UUID, AgencyRow | None] = by_ids(
            reads_, reads.agencies_by_ids
        )
        self.certificates_by_business_id: DataLoader[uuid.UUID, list[PermitRow]] = by_keys(
            reads_, certificates, list
        )
        # Callers check that the viewer acts for the business first.
        self.permits_by_business_id: DataLoader[uuid.UUID, list[PermitRow]] = by_keys(
            reads_, permits, list
        )
        self.history_by_application_id: DataLoader[uuid.UUID, list[ApplicationEventRow]] = by_keys(
            reads_, reads.history_of, list
        )
        self.documents_by_application_id: DataLoader[
            uuid.UUID, list[tuple[ApplicationDocumentRow, FileInfo]]
        ] = by_keys(reads_, documents.documents_of, list)
