"""Knowledge-base articles and reply templates for a complaint or a text being typed.

Articles are ranked by cosine similarity to the text in the model's space, plus a bonus
when they are filed under the complaint's (or predicted) category; before there is a
model, a space fitted on the articles themselves is used. The article index is rebuilt
when an article changes (count and latest edit are its key).
"""

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.intelligence.text import vectorizer
from app.models import KnowledgeArticle, ReplyTemplate
from app.models.intelligence import searchable_text, title_in

CATEGORY_BONUS = 0.15
MIN_SCORE = 0.08
_cache: dict[tuple, tuple] = {}
_lock = threading.Lock()


def _article_text(a) -> str:
    return searchable_text(a)


def _articles_index(session: Session, space, space_key):
    stamp = session.execute(select(func.count(), func.max(KnowledgeArticle.updated_at))
                            .select_from(KnowledgeArticle)).one()
    key = (str(session.get_bind().url), space_key, stamp[0], stamp[1])
    with _lock:
        if key in _cache:
            return _cache[key]
    articles = list(session.execute(
        select(KnowledgeArticle.id, KnowledgeArticle.title_zh, KnowledgeArticle.title_en,
               KnowledgeArticle.body_zh, KnowledgeArticle.body_en, KnowledgeArticle.tags,
               KnowledgeArticle.categories)
        .order_by(KnowledgeArticle.id)).all())
    if not articles:
        built = ([], None, space)
    else:
        if space is None:
            space = vectorizer(len(articles)).fit([_article_text(a) for a in articles])
        built = (articles, space.transform([_article_text(a) for a in articles]), space)
    with _lock:
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = built
    return built


def related_articles(session: Session, text: str, *, space=None, space_key=None,
                     query=None, categories=(), language: str | None = None,
                     limit: int = 3) -> list[dict]:
    """`space`: the model's vectorizer (with `query` already transformed), or None.
    Titles come in `language` ("zh" or "en") where the article has it, else the other."""
    articles, matrix, space = _articles_index(session, space, space_key)
    if not articles:
        return []
    if query is None or space_key is None:
        query = space.transform([text])
    scores = (matrix @ query.T).toarray().ravel()
    wanted = set(categories)
    ranked = []
    for article, score in zip(articles, scores, strict=True):
        score = float(score) + (CATEGORY_BONUS if wanted & set(article.categories or ()) else 0)
        if score >= MIN_SCORE:
            ranked.append({"id": article.id, "title": title_in(article, language),
                           "score": round(score, 3)})
    ranked.sort(key=lambda a: -a["score"])
    return ranked[:limit]


def reply_templates(session: Session, category: str, language: str | None = None) -> list:
    """Templates filed under the category, the user's language first."""
    found = list(session.execute(select(ReplyTemplate).where(
        ReplyTemplate.active, ReplyTemplate.category == category)
        .order_by(ReplyTemplate.id)).scalars())
    return sorted(found, key=lambda t: t.language != language)
