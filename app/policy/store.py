"""Versioned rule sets in the database, with a per-process cache of compiled versions.

Every evaluation asks the database for the newest version numbers (one small indexed
query), so a publish in one process is used by every process for the next complaint,
without a restart; compilation happens once per version and process.
"""

import json
import threading
from pathlib import Path

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import RuleSetVersion, Team
from app.models.types import MAX_ID
from app.policy.catalog import DEFAULT_PARAMETERS, KINDS, with_defaults
from app.policy.engine import CompiledRuleSet, compile_rules
from app.policy.validation import validate_rules
from app.services.errors import InvalidInput, NotFound
from app.shipped import RULES_DIR
from app.timeutil import utcnow

DEFAULT_RULES_DIR = RULES_DIR
COMMENT_MAX = 2000  # a publish comment; refused when longer, never cut

# (database, kind) -> compiled newest version; a process may serve several databases.
_cache: dict[tuple[str, str], CompiledRuleSet] = {}
_lock = threading.Lock()


class InvalidRules(InvalidInput):
    """A rule set with problems; `details` lists every one of them."""

    def __init__(self, problems: list[dict]):
        super().__init__(gettext("the rule set has %(n)s problem(s); nothing was saved", n=len(problems)),
                         details=problems)

    def as_dict(self) -> dict:
        return {"message": self.message, "problems": self.details}


def team_names(session: Session) -> list[str]:
    return list(session.execute(select(Team.name).order_by(Team.name)).scalars())


def outlet_names(session: Session) -> dict[str, str]:
    """Active outlets, code -> name, for the editor's choices."""
    from app.models import Outlet

    return dict(session.execute(select(Outlet.code, Outlet.name).where(Outlet.active)
                                .order_by(Outlet.code)).all())


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound(gettext("unknown rule-set kind '%(kind)s'; kinds are: %(kinds)s", kind=kind,
                               kinds=", ".join(KINDS)))


def validate(session: Session, kind: str, rules, parameters=None) -> list[dict]:
    """Problems of a rule set; without parameters, with the published ones (the region
    groups its rules may name)."""
    if parameters in (None, {}) and kind in KINDS:
        parameters = _current_parameters(session, kind)
    return validate_rules(kind, rules, team_names(session), parameters)


def latest_versions(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(RuleSetVersion.kind, func.max(RuleSetVersion.version)).group_by(RuleSetVersion.kind)
    ).all()
    return dict(rows)


def get_version(session: Session, kind: str, version: int | None = None) -> RuleSetVersion:
    check_kind(kind)
    query = select(RuleSetVersion).where(RuleSetVersion.kind == kind)
    if version is not None and not (isinstance(version, int) and 1 <= version <= MAX_ID):
        raise NotFound(gettext("no %(kind)s rule set version %(version)s", kind=kind,
                               version=str(version)[:20]), field="version")
    if version is None:
        query = query.order_by(RuleSetVersion.version.desc()).limit(1)
    else:
        query = query.where(RuleSetVersion.version == version)
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFound(gettext("no %(kind)s rule set version %(version)s", kind=kind,
                               version=version) if version
                       else gettext("no %(kind)s rule set", kind=kind))
    return row


def list_versions(session: Session, kind: str) -> list[RuleSetVersion]:
    check_kind(kind)
    return list(session.execute(
        select(RuleSetVersion).where(RuleSetVersion.kind == kind)
        .order_by(RuleSetVersion.version.desc())
    ).scalars())


def publish(session: Session, kind: str, rules, *, comment: str, author_id: int | None = None,
            parameters: dict | None = None, now=None) -> RuleSetVersion:
    """Validate and store a new version; nothing is stored when anything is wrong."""
    check_kind(kind)
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidInput(gettext("a comment saying what changed and why is required"), field="comment")
    _check_length(comment, COMMENT_MAX)
    problems = validate(session, kind, rules, parameters)
    if problems:
        raise InvalidRules(problems)
    if parameters in (None, {}):
        parameters = _current_parameters(session, kind)
    # every version records its parameters in full (a file may give only some)
    parameters = {**DEFAULT_PARAMETERS.get(kind, {}), **parameters}
    for _attempt in range(3):
        number = (session.execute(select(func.max(RuleSetVersion.version))
                                  .where(RuleSetVersion.kind == kind)).scalar() or 0) + 1
        row = RuleSetVersion(kind=kind, version=number, rules=rules, parameters=parameters,
                             comment=comment.strip(), author_id=author_id,
                             created_at=now or utcnow())
        try:
            with session.begin_nested():
                session.add(row)
            session.commit()
            return row
        except IntegrityError:
            continue  # another process published the same number first; take the next
    raise InvalidInput(gettext("could not publish: too many simultaneous publishes, try again"))


def compile_draft(session: Session, kind: str, rules, parameters=None) -> CompiledRuleSet:
    """An unpublished rule set, validated and compiled (version 0), for simulation and
    tests; without parameters it takes the published ones (the grading weights)."""
    check_kind(kind)
    if parameters in (None, {}):
        parameters = _current_parameters(session, kind)
    problems = validate(session, kind, rules, parameters)
    if problems:
        raise InvalidRules(problems)
    return compile_rules(kind, 0, rules, with_defaults(kind, parameters))


def _current_parameters(session: Session, kind: str) -> dict:
    row = session.execute(
        select(RuleSetVersion.parameters).where(RuleSetVersion.kind == kind)
        .order_by(RuleSetVersion.version.desc()).limit(1)
    ).scalar()
    return row if row else DEFAULT_PARAMETERS.get(kind, {})


def compiled(session: Session, kind: str, versions: dict | None = None) -> CompiledRuleSet:
    """The newest published version of `kind`, compiled (cached per version)."""
    versions = versions if versions is not None else latest_versions(session)
    number = versions.get(kind)
    if number is None:
        raise NotFound(gettext("no %(kind)s rule set has been published", kind=kind))
    key = (str(session.get_bind().url), kind)
    cached = _cache.get(key)
    if cached is not None and cached.version == number:
        return cached
    row = get_version(session, kind, number)
    ruleset = compile_rules(kind, row.version, row.rules, with_defaults(kind, row.parameters))
    with _lock:
        _cache[key] = ruleset
    return ruleset


def parameters(session: Session, kind: str) -> dict:
    """The parameters of the version in force (declared defaults for what it lacks, and
    for a kind not published yet)."""
    try:
        return compiled(session, kind).parameters
    except NotFound:
        return with_defaults(kind, None)


def load_file(path: Path) -> dict:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path}: cannot read JSON: {exc}") from exc
    if not isinstance(document, dict) or "kind" not in document:
        raise InvalidInput(f"{path}: expected an object with 'kind' and 'rules'")
    return document


def load_defaults(session: Session, directory: Path = DEFAULT_RULES_DIR) -> list[str]:
    """Publish the default rule sets for kinds that have none yet."""
    present = latest_versions(session)
    loaded = []
    for kind in KINDS:
        if kind in present:
            continue
        document = load_file(directory / f"{kind}.json")
        publish(session, kind, document["rules"], parameters=document.get("parameters"),
                comment=document.get("comment", "default policy"))
        loaded.append(kind)
    return loaded


def export_document(row: RuleSetVersion) -> dict:
    return {"kind": row.kind, "version": row.version, "comment": row.comment,
            "parameters": row.parameters or {}, "rules": row.rules}


def get_draft(session: Session, kind: str, author_id: int):
    from app.models import RuleSetDraft

    check_kind(kind)
    return session.execute(select(RuleSetDraft).where(
        RuleSetDraft.kind == kind, RuleSetDraft.author_id == author_id)).scalar_one_or_none()


def save_draft(session: Session, kind: str, author_id: int, rules, parameters=None,
               based_on: int | None = None):
    """Keep an editor's work, valid or not; validation problems are returned, not raised."""
    from app.models import RuleSetDraft

    if not isinstance(rules, list):
        raise InvalidInput(gettext("rules must be a list"), field="rules")
    if based_on is not None and not (isinstance(based_on, int) and not isinstance(based_on, bool)
                                     and 1 <= based_on <= MAX_ID):
        raise InvalidInput(gettext("based_on must be a version number from 1 to %(max)s",
                                   max=MAX_ID), field="based_on")
    draft = get_draft(session, kind, author_id) or RuleSetDraft(kind=kind, author_id=author_id)
    draft.rules, draft.parameters, draft.based_on = rules, parameters or {}, based_on
    session.add(draft)
    session.commit()
    return draft


def discard_draft(session: Session, kind: str, author_id: int) -> None:
    draft = get_draft(session, kind, author_id)
    if draft is not None:
        session.delete(draft)
        session.commit()


def rollback(session: Session, kind: str, version: int, *, comment: str,
             author_id: int | None = None) -> RuleSetVersion:
    """Publish an old version's rules as a new version (validated again: teams change)."""
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_ID:
        raise InvalidInput(gettext("version must be a whole number from 1 to %(max)s", max=MAX_ID),
                           field="version")
    old = get_version(session, kind, version)
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidInput(gettext("a comment saying why is required"), field="comment")
    suffix = f" (rollback to version {version})"
    _check_length(comment, COMMENT_MAX - len(suffix))
    return publish(session, kind, old.rules, parameters=old.parameters, author_id=author_id,
                   comment=comment.strip() + suffix)


def _check_length(comment: str, limit: int) -> None:
    if len(comment.strip()) > limit:
        raise InvalidInput(gettext("%(field)s has %(length)s characters; the limit is %(limit)s",
                                   field="comment", length=len(comment.strip()), limit=limit),
                           field="comment")


def hit_counts(session: Session, kind: str, now) -> dict[str, dict[str, int]]:
    """Per rule: how often it fired in the last 24 h, 7 d and 30 d."""
    from datetime import timedelta

    from sqlalchemy import case

    from app.models import RuleHit

    check_kind(kind)
    windows = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
    columns = [func.sum(case((RuleHit.at >= now - span, 1), else_=0)).label(name)
               for name, span in windows.items()]
    rows = session.execute(
        select(RuleHit.rule, *columns).where(RuleHit.kind == kind,
                                             RuleHit.at >= now - windows["30d"])
        .group_by(RuleHit.rule)).all()
    return {row.rule: {name: int(getattr(row, name) or 0) for name in windows} for row in rows}
