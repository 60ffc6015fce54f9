"""Hotspot terms: what customers write about more this week than in the previous four.

A term is an English word (3+ letters, not a stop word) or a pair of adjacent Chinese
characters; each complaint counts a term once. A term's rise is
(complaints this week + 1) / (weekly average of the four weeks before + 1), reported when
at least MIN_COUNT complaints of the week use it, per region and category.
"""

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Complaint

WEEK = timedelta(days=7)
MIN_COUNT = 3
_WORDS = re.compile(r"[a-z]{3,}")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
STOP = set("""the and for was with that this have has had not but are you your from they
them their our its into been were what when where which who will would there here about
after again also any because before can could did does just more most only other over
some such than then these those very please still yet all out one two three day days
""".split())
STOP_ZH = {"我的", "一个", "已经", "没有", "什么", "可以", "这个", "你们", "我们", "他们", "就是",
           "还是", "但是", "因为", "所以", "现在", "今天", "昨天", "快递", "包裹"}


def terms(text: str) -> set[str]:
    text = (text or "").lower()
    found = {w for w in _WORDS.findall(text) if w not in STOP}
    for run in _HAN.findall(text):
        found.update(run[i:i + 2] for i in range(len(run) - 1))
    return found - STOP_ZH


def rising_terms(session: Session, now: datetime, *, region: str | None = None,
                 category: str | None = None, where=None, limit: int = 5) -> list[dict]:
    """Per (region, category): the `limit` fastest-rising terms of the week ending `now`,
    among the complaints `where` (an SQL condition, e.g. a report's scope) selects."""
    query = select(Complaint.region, Complaint.category, Complaint.received_at,
                   Complaint.description).where(Complaint.received_at >= now - 5 * WEEK,
                                                Complaint.received_at < now)
    if where is not None:
        query = query.where(where)
    if region:
        query = query.where(Complaint.region == region)
    if category:
        query = query.where(Complaint.category == category)
    week, before = defaultdict(Counter), defaultdict(Counter)
    for row in session.execute(query):
        group = (row.region or "", row.category)
        (week if row.received_at >= now - WEEK else before)[group].update(terms(row.description))
    out = []
    for group, counts in week.items():
        rising = []
        for term, count in counts.items():
            if count < MIN_COUNT:
                continue
            weekly = before[group].get(term, 0) / 4
            rising.append({"term": term, "this_week": count, "weekly_before": weekly,
                           "ratio": round((count + 1) / (weekly + 1), 2)})
        rising.sort(key=lambda t: (-t["ratio"], -t["this_week"], t["term"]))
        for item in rising[:limit]:
            out.append({"region": group[0], "category": group[1], **item})
    out.sort(key=lambda t: (-t["ratio"], t["region"], t["category"]))
    return out
