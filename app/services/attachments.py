"""Evidence files: checked for type and size, stored under the instance folder."""

import uuid
from pathlib import Path

from flask_babel import gettext
from sqlalchemy.orm import Session

from app.models import Attachment, Complaint
from app.services import validation as v
from app.services.complaints import check_version, get_complaint
from app.services.errors import Conflict, InvalidInput, NotFound
from app.services.timeline import record_event

# extension -> (kind, content type); anything else is refused.
ALLOWED = {
    "jpg": ("photo", "image/jpeg"), "jpeg": ("photo", "image/jpeg"),
    "png": ("photo", "image/png"), "gif": ("photo", "image/gif"),
    "webp": ("photo", "image/webp"),
    "mp3": ("recording", "audio/mpeg"), "wav": ("recording", "audio/wav"),
    "m4a": ("recording", "audio/mp4"), "amr": ("recording", "audio/amr"),
    "ogg": ("recording", "audio/ogg"),
    "pdf": ("document", "application/pdf"), "txt": ("document", "text/plain"),
    "doc": ("document", "application/msword"),
    "docx": ("document",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


FILENAME_MAX = 255  # the column's size


def storage_dir(instance_path: str) -> Path:
    path = Path(instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_attachment(
    session: Session, complaint_id: int, filename: str, content: bytes, *,
    instance_path: str, max_bytes: int, actor_id: int | None = None,
) -> Attachment:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(gettext("no complaint with id %(id)s", id=complaint_id))
    name = Path(filename or "").name
    if len(name) > FILENAME_MAX:
        raise InvalidInput(gettext("%(field)s has %(length)s characters; the limit is %(limit)s",
                                   field="filename", length=len(name), limit=FILENAME_MAX),
                           field="file")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise InvalidInput(
            gettext("files of type '.%(ext)s' are not accepted; allowed: %(allowed)s",
                    ext=ext or "?", allowed=", ".join(sorted(ALLOWED))),
            field="file",
        )
    if not content:
        raise InvalidInput(gettext("the file is empty"), field="file")
    if len(content) > max_bytes:
        raise InvalidInput(
            gettext("the file is %(size)s bytes; the limit is %(limit)s bytes",
                    size=len(content), limit=max_bytes), field="file"
        )
    kind, content_type = ALLOWED[ext]
    stored = f"{uuid.uuid4().hex}.{ext}"
    target = storage_dir(instance_path) / stored
    target.write_bytes(content)
    try:
        attachment = Attachment(
            complaint_id=complaint.id, kind=kind, filename=name, stored_name=stored,
            content_type=content_type, size=len(content), uploaded_by_id=actor_id,
        )
        session.add(attachment)
        session.flush()
        record_event(session, complaint, "attachment_added", actor_id=actor_id,
                     details={"filename": name, "kind": kind, "size": len(content)})
        session.commit()
    except Exception:
        target.unlink(missing_ok=True)  # no orphan file when the row is not saved
        raise
    return attachment


def attachment_path(instance_path: str, attachment: Attachment) -> Path:
    return storage_dir(instance_path) / attachment.stored_name


def attach_evidence(session: Session, complaint_id, actor, version, upload, *, missing_file: str,
                    instance_path: str, max_bytes: int) -> Attachment:
    """The "attach" action: a member of the complaint's team adds a file (`upload`, a
    werkzeug FileStorage or None) to a complaint that is not closed, at the version they
    saw; the page and the API alike, each saying in its own words that the file is missing."""
    complaint = get_complaint(session, complaint_id, viewer=actor)
    actor.require(actor.is_member(complaint.team_id),
                  gettext("only the complaint's team can attach evidence"))
    if v.as_id(version) is None:
        raise InvalidInput(gettext("send the complaint's version as form field 'version'"),
                           field="version")
    check_version(complaint, v.as_id(version))
    if complaint.status == "closed":
        raise Conflict(gettext("complaint %(number)s is closed", number=complaint.number),
                       field="status")
    if upload is None or not upload.filename:
        raise InvalidInput(missing_file, field="file")
    return add_attachment(session, complaint.id, upload.filename, upload.read(),
                          instance_path=instance_path, max_bytes=max_bytes, actor_id=actor.id)
