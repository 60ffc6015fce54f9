"""Resolved complaints most like a text: cosine similarity in the model's TF-IDF space.

The index of resolved and closed complaints is built once per process and model, then
topped up with complaints resolved since (checked at most every REFRESH_SECONDS). With
100,000 rows, scoring every row against every n-gram of the query is slow (the common
n-grams are in every row), so candidates are scored on the query's most weighted
n-grams first and the best CANDIDATES of them are ranked by the exact cosine.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Complaint

log = logging.getLogger(__name__)
REFRESH_SECONDS = 60
# With more resolved complaints than this, the first index is built in a background
# thread (about a minute for 75,000 on a busy machine): until then no similar cases.
BUILD_IN_BACKGROUND_FROM = 5000
QUERY_TERMS = 12
CANDIDATES = 100
EXACT_BELOW = 5000  # rows: score them all exactly
MIN_SCORE = 0.1
COLUMNS = (Complaint.id, Complaint.number, Complaint.category, Complaint.resolution_kind,
           Complaint.resolution_text, Complaint.satisfaction, Complaint.description,
           Complaint.resolved_at)


@dataclass
class Index:
    # (rows, matrix, by_term), replaced as one value so that readers never see a half update:
    # rows are (id, number, category, kind, text, satisfaction); matrix is rows x n-grams,
    # L2-normalised; by_term its transpose, for candidate scoring
    data: tuple = ([], None, None)
    ids: set = field(default_factory=set)
    until: object = None  # the latest resolved_at indexed
    checked: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    building: bool = False

    def add(self, space, found) -> None:
        found = [r for r in found if r.id not in self.ids]
        if not found:
            return
        rows, matrix, _ = self.data
        block = space.transform([r.description or "" for r in found]).tocsr()
        matrix = block if matrix is None else sp.vstack([matrix, block]).tocsr()
        rows = rows + [(r.id, r.number, r.category, r.resolution_kind, r.resolution_text,
                        r.satisfaction) for r in found]
        self.data = (rows, matrix, matrix.T.tocsr())
        self.ids.update(r.id for r in found)
        self.until = max(r.resolved_at for r in found if r.resolved_at is not None)


_indexes: dict[tuple, Index] = {}
_lock = threading.Lock()


def _resolved(session: Session, since=None):
    query = select(*COLUMNS).where(Complaint.status.in_(("resolved", "closed")),
                                   Complaint.resolved_at.is_not(None))
    if since is not None:
        query = query.where(Complaint.resolved_at >= since)
    return session.execute(query.order_by(Complaint.resolved_at)).all()


def _build_in_background(app, index: Index, space) -> None:
    def build():
        from app.extensions import db

        with app.app_context():
            try:
                with index.lock:
                    index.add(space, _resolved(db.session))
                    index.checked = time.monotonic()
            except Exception:  # noqa: BLE001 - logged; the next request tries again
                log.exception("building the similar-case index failed")
            finally:
                index.building = False
                db.session.remove()

    index.building = True
    threading.Thread(target=build, daemon=True, name="similar-case-index").start()


def index_for(session: Session, key: tuple, space) -> Index:
    with _lock:
        index = _indexes.get(key)
        if index is None:
            for old in [k for k in _indexes if k[0] == key[0]]:
                del _indexes[old]
            index = _indexes[key] = Index()
    if index.building:
        return index  # empty until built: no similar cases rather than a slow page
    if index.until is None and index.checked == 0.0 and has_app_context():
        resolved = session.execute(select(func.count()).select_from(Complaint).where(
            Complaint.status.in_(("resolved", "closed")))).scalar()
        if resolved > BUILD_IN_BACKGROUND_FROM:
            _build_in_background(current_app._get_current_object(), index, space)
            return index
    with index.lock:
        if time.monotonic() - index.checked > REFRESH_SECONDS:
            index.add(space, _resolved(session, index.until))
            index.checked = time.monotonic()
    return index


def most_similar(index: Index, query, *, limit: int = 5, exclude: int | None = None) -> list[dict]:
    """`query`: one L2-normalised row of the same space."""
    rows, matrix, by_term = index.data
    if matrix is None or query.nnz == 0:
        return []
    if matrix.shape[0] <= EXACT_BELOW:
        scores = (matrix @ query.T).toarray().ravel()
        candidates = np.arange(len(scores))
    else:
        strongest = np.argsort(-query.data)[:QUERY_TERMS]
        terms, weights = query.indices[strongest], query.data[strongest]
        rough = np.asarray(by_term[terms].T @ weights).ravel()
        candidates = np.argpartition(-rough, CANDIDATES)[:CANDIDATES]
        scores = (matrix[candidates] @ query.T).toarray().ravel()
    order = np.argsort(-scores)
    found = []
    for i in order:
        row = rows[candidates[i]]
        if scores[i] < MIN_SCORE or len(found) == limit:
            break
        if row[0] == exclude:
            continue
        found.append({"id": row[0], "number": row[1], "category": row[2],
                      "resolution_kind": row[3], "resolution_text": row[4],
                      "satisfaction": row[5], "score": round(float(scores[i]), 3)})
    return found


def forget() -> None:
    with _lock:
        _indexes.clear()
