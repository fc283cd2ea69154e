"""Which of our rows each OneRoster sourcedId of a school became, so that importing the same
files again finds them instead of adding more."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base


class OneRosterId(Base):
    __tablename__ = "school_oneroster_ids"

    school_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # term, class, student
    sourced_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    target_id: Mapped[uuid.UUID] = mapped_column()
