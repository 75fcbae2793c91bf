"""Every write of oversight records. Sanctions are sub-records of a cadre:
they go through the registry's sub-record service (the actor must be able
to write the cadre; the cadre's version is bumped; history is attributed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oversight.models import InfluenceRecord
from personnel.services import subrecord_delete, subrecord_save

if TYPE_CHECKING:
    from accounts.access import Actor


def influence_record_save(*, actor: Actor, record: InfluenceRecord) -> InfluenceRecord:
    """Record 诫勉 or a sanction (its influence period starts on its date)."""
    saved: InfluenceRecord = subrecord_save(actor=actor, record=record)
    return saved


def influence_record_delete(*, actor: Actor, record: InfluenceRecord) -> None:
    subrecord_delete(actor=actor, record=record)
