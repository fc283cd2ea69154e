"""An uploaded file's record; its bytes live in the file store under `storage_key`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import UTCDateTime


class StoredFile(CreatedAtMixin, Base):
    __tablename__ = "stored_files"
    __table_args__ = (Index(None, "attached_at", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # What the bytes are (sniffed, not what the client claimed): application/pdf, image/jpeg, …
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger())
    sha256: Mapped[str] = mapped_column(String(64))
    # The name on the uploader's phone, for display only.
    file_name: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    # Set when a domain takes the file into a record; files never attached are purged.
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
