"""Resolved complaints most like a text: cosine similarity in the model's TF-IDF space.

The index of resolved and closed complaints is built once per process and model, then
topped up with complaints resolved since (checked at most every REFRESH_SECONDS). With
100,000 rows, scoring every row against every n-gram of the query is slow (the common
n-grams are in every row), so candidates are scored on the query's most weighted
n-grams first and the best CANDIDATES of them are ranked by the exact cosine.
"""

import threading
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Complaint

REFRESH_SECONDS = 60
QUERY_TERMS = 12
CANDIDATES = 100
EXACT_BELOW = 5000  # rows: score them all exactly
MIN_SCORE = 0.1
COLUMNS = (Complaint.id, Complaint.number, Complaint.category, Complaint.resolution_kind,
           Complaint.resolution_text, Complaint.satisfaction, Complaint.description,
           Complaint.resolved_at)


@dataclass
class Index:
    rows: list = field(default_factory=list)  # (id, number, category, kind, text, satisfaction)
    ids: set = field(default_factory=set)
    matrix: sp.csr_matrix | None = None  # rows x n-grams, L2-normalised
    by_term: sp.csr_matrix | None = None  # the transpose, for candidate scoring
    until: object = None  # the latest resolved_at indexed
    checked: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, space, found) -> None:
        found = [r for r in found if r.id not in self.ids]
        if not found:
            return
        block = space.transform([r.description or "" for r in found]).tocsr()
        self.matrix = block if self.matrix is None else sp.vstack([self.matrix, block]).tocsr()
        self.by_term = self.matrix.T.tocsr()
        for r in found:
            self.rows.append((r.id, r.number, r.category, r.resolution_kind, r.resolution_text,
                              r.satisfaction))
            self.ids.add(r.id)
        self.until = max(r.resolved_at for r in found if r.resolved_at is not None)


_indexes: dict[tuple, Index] = {}
_lock = threading.Lock()


def _resolved(session: Session, since=None):
    query = select(*COLUMNS).where(Complaint.status.in_(("resolved", "closed")),
                                   Complaint.resolved_at.is_not(None))
    if since is not None:
        query = query.where(Complaint.resolved_at >= since)
    return session.execute(query.order_by(Complaint.resolved_at)).all()


def index_for(session: Session, key: tuple, space) -> Index:
    with _lock:
        index = _indexes.get(key)
        if index is None:
            for old in [k for k in _indexes if k[0] == key[0]]:
                del _indexes[old]
            index = _indexes[key] = Index()
    with index.lock:
        if time.monotonic() - index.checked > REFRESH_SECONDS:
            index.add(space, _resolved(session, index.until))
            index.checked = time.monotonic()
    return index


def most_similar(index: Index, query, *, limit: int = 5, exclude: int | None = None) -> list[dict]:
    """`query`: one L2-normalised row of the same space."""
    if index.matrix is None or query.nnz == 0:
        return []
    if index.matrix.shape[0] <= EXACT_BELOW:
        scores = (index.matrix @ query.T).toarray().ravel()
        candidates = np.arange(len(scores))
    else:
        strongest = np.argsort(-query.data)[:QUERY_TERMS]
        terms, weights = query.indices[strongest], query.data[strongest]
        rough = np.asarray(index.by_term[terms].T @ weights).ravel()
        candidates = np.argpartition(-rough, CANDIDATES)[:CANDIDATES]
        scores = (index.matrix[candidates] @ query.T).toarray().ravel()
    order = np.argsort(-scores)
    found = []
    for i in order:
        row = index.rows[candidates[i]]
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
