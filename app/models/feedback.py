"""KPI targets set by officers.

The queries that turn stored feedback into the plain records the analysis reads live in
`app.feedback.records`, so that the models never import the analysis layer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .staff import utcnow


class KpiTarget(db.Model):
    """An officer's target for one KPI, as a whole percentage."""

    __tablename__ = "feedback_kpi_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi: Mapped[str] = mapped_column(String(40), unique=True)
    percent: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<KpiTarget {self.kpi} {self.percent}>"


def targets() -> dict[str, float]:
    """KPI key -> target percentage."""
    return {kpi: float(percent) for kpi, percent in db.session.execute(select(KpiTarget.kpi, KpiTarget.percent))}


def save_targets(values: Mapping[str, int | None], user_id: int | None) -> int:
    """Set, change or clear (None) targets; returns how many changed. The caller commits."""
    existing = {t.kpi: t for t in db.session.scalars(select(KpiTarget))}
    changed = 0
    for kpi, percent in values.items():
        target = existing.get(kpi)
        if percent is None:
            if target is not None:
                db.session.delete(target)
                changed += 1
        elif target is None:
            db.session.add(KpiTarget(kpi=kpi, percent=percent, updated_by_id=user_id, updated_at=utcnow()))
            changed += 1
        elif target.percent != percent:
            target.percent, target.updated_by_id, target.updated_at = percent, user_id, utcnow()
            changed += 1
    return changed
