"""The model version in use, deserialised once per process and database.

Each request asks the database which version is active (one indexed lookup), so a
version trained by another process is picked up at once; the payload is loaded only
when that id changes.
"""

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.intelligence.classifier import Fitted
from app.models import TextModel

_lock = threading.Lock()
_loaded: dict[tuple, "Loaded"] = {}


@dataclass
class Loaded:
    id: int
    key: tuple  # (database, model id): caches built on the model use it
    fitted: Fitted


def _database(session: Session) -> str:
    return str(session.get_bind().url)


def active_model_id():
    """The id of the model in use, as a scalar subquery (registration reads it together
    with the rule versions)."""
    return (select(TextModel.id).where(TextModel.status == "active")
            .order_by(TextModel.id.desc()).limit(1).scalar_subquery())


def loaded_model(session: Session, model_id: int | None | bool = False) -> Loaded | None:
    """The active model; `model_id` when the caller has read it already (False: read it)."""
    if model_id is False:
        model_id = session.execute(select(active_model_id())).scalar()
    if model_id is None:
        return None
    key = (_database(session), model_id)
    with _lock:
        found = _loaded.get(key)
    if found is None:
        payload = session.execute(select(TextModel.payload)
                                  .where(TextModel.id == model_id)).scalar()
        if payload is None:
            return None
        found = Loaded(model_id, key, Fitted.loads(payload))
        with _lock:
            for old in [k for k in _loaded if k[0] == key[0]]:
                del _loaded[old]
            _loaded[key] = found
    return found


def forget() -> None:
    """Drop loaded models (after training, so the next request loads the new one)."""
    with _lock:
        _loaded.clear()
