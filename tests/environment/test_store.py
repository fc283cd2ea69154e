"""The bulk write on its own: batches stored in one transaction are counted once each, a
rolled-back batch leaves nothing (on PostgreSQL one statement stores a batch and its latest values)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.environment.models import Quality
from backend.environment.repository.observations import Checked, store
from tests.environment.conftest import KIM_LONG_LEVEL
from tests.environment.test_mqtt import count

# Half past an hour two hours ago, fixed for the whole run: clear of the demo's o'clock readings,
# and the same instant for every batch (a batch made a second later must overlap as much).
BASE = (utcnow() - timedelta(hours=2)).replace(minute=30, second=0, microsecond=0)


def batch(start_seconds: int, size: int) -> list[Checked]:
    base = BASE
    return [
        Checked(KIM_LONG_LEVEL, base + timedelta(seconds=start_seconds + i), 1.0 + i, Quality.OK)
        for i in range(size)
    ]


async def test_batches_in_one_transaction_are_counted_once_each(seeded: Any) -> None:
    before = await count(seeded, KIM_LONG_LEVEL)
    async with UnitOfWork(seeded.sessions) as uow:
        first = await store(uow.session, batch(0, 30), utcnow())
        # Half of these were in the first batch: they are repeats, not new readings.
        second = await store(uow.session, batch(15, 30), utcnow())
    assert (first, second) == (30, 15)
    assert await count(seeded, KIM_LONG_LEVEL) == before + 45

    # Stored again in a later transaction: nothing is new.
    async with UnitOfWork(seeded.sessions) as uow:
        assert await store(uow.session, batch(0, 45), utcnow()) == 0


async def test_a_rolled_back_batch_leaves_nothing_and_the_next_one_is_stored(
    seeded: Any,
) -> None:
    before = await count(seeded, KIM_LONG_LEVEL)
    try:
        async with UnitOfWork(seeded.sessions) as uow:
            assert await store(uow.session, batch(100, 10), utcnow()) == 10
            raise LookupError("the rest of the change failed")
    except LookupError:
        pass
    assert await count(seeded, KIM_LONG_LEVEL) == before

    async with UnitOfWork(seeded.sessions) as uow:
        assert await store(uow.session, batch(100, 10), utcnow()) == 10
    assert await count(seeded, KIM_LONG_LEVEL) == before + 10
