"""Keyword lists as the policy writes them: "injur*, lawyer, sue, sued, 受伤, 12305".

- Latin-script keywords (and numbers such as 12305) match whole words or phrases, in any
  case: "sue" does not match "issue", "court" does not match "courteous". A trailing `*`
  allows any ending ("injur*" matches injury, injured, injuries); irregular forms are
  listed ("sue, sued, sues, suing"). Spaces in a phrase match any run of spaces.
- Keywords in Chinese (or other CJK script) match as phrases, anywhere in the text.
- A keyword under a nearby negation does not count. Near means in the same clause (no
  punctuation or but/and/so/但是/而且… between) and either an English negation (no, not,
  never, nobody, none, without, …n't) among the NEAR_WORDS words before the keyword, or a
  Chinese one (没, 没有, 未, 无人, 并无, 毫无, 不曾, 从未, 并非) ending at most NEAR_CHARS characters
  before it. 不 is not a negation here: 不安全 is alarming.
"""

import re
import unicodedata
from functools import lru_cache

NEAR_WORDS = 3  # at most this many words between an English negation and the keyword
NEAR_CHARS = 4  # at most this many characters between a Chinese negation and the keyword

_LATIN = r"0-9a-z\u00c0-\u024f"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_WORD = re.compile(rf"[{_LATIN}']+")
EN_NEGATIONS = frozenset({"no", "not", "never", "nobody", "none", "neither", "nor", "without",
                          "nothing", "cannot"})
_ZH_NEGATION = re.compile("没有|没|并未|从未|未|无人|并无|毫无|无任何|不曾|并非")
_CLAUSE_BREAK = re.compile(
    r"[,.;:!?()\[\]\"\n，。；：！？、（）…]|\b(?:but|and|so|or|because|although|however|then)\b"
    r"|但是|但|可是|而且|所以|然后|不过")


class KeywordError(ValueError):
    """A keyword that cannot be used: `reason` is "star", "empty" or "short"."""

    def __init__(self, keyword: str, reason: str):
        super().__init__(f"{keyword!r}: {reason}")
        self.keyword, self.reason = keyword, reason


def normalise(text: str) -> str:
    """Full-width letters and digits as ASCII, any case as lower case, ’ as '."""
    return unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")


def split(words: str) -> list[str]:
    return [w.strip() for w in re.split(r"[,，、;；\n]", words) if w.strip()]


def _pattern(keyword: str) -> str:
    word = normalise(keyword)
    if word.count("*") > 1 or ("*" in word and not word.endswith("*")):
        raise KeywordError(keyword, "star")
    prefix = word.endswith("*")
    word = word.rstrip("*").strip()
    if not word:
        raise KeywordError(keyword, "empty")
    if _CJK.search(word):
        return re.escape(word) + (rf"[{_LATIN}]*" if prefix else "")
    if prefix and len(word) < 3:
        raise KeywordError(keyword, "short")
    body = r"\s+".join(re.escape(part) for part in word.split())
    ending = rf"[{_LATIN}]*" if prefix else ""
    return rf"(?<![{_LATIN}]){body}{ending}(?![{_LATIN}])"


class Keywords:
    """A compiled keyword list: `found(text)` gives the keywords that count in the text."""

    def __init__(self, words: str):
        self.words = split(words)
        if not self.words:
            raise KeywordError(words, "empty")
        self.regex = re.compile("|".join(f"(?:{_pattern(w)})" for w in self.words))

    def found(self, text: str) -> list[str]:
        text = normalise(text or "")
        hits = []
        for match in self.regex.finditer(text):
            if not negated(text, match.start()):
                hits.append(match.group(0))
        return hits

    def matches(self, text: str) -> bool:
        text = normalise(text or "")
        return any(not negated(text, m.start()) for m in self.regex.finditer(text))


def negated(text: str, start: int) -> bool:
    """Whether a negation stands near before position `start` (see the module's text)."""
    clause = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(clause))
    if breaks:
        clause = clause[breaks[-1].end():]
    for word in _WORD.findall(clause)[-(NEAR_WORDS + 1):]:
        if word in EN_NEGATIONS or word.endswith("n't"):
            return True
    tail = clause[-(NEAR_CHARS + 3):]
    return any(len(tail) - m.end() <= NEAR_CHARS for m in _ZH_NEGATION.finditer(tail))


@lru_cache(maxsize=256)
def compile_keywords(words: str) -> Keywords:
    return Keywords(words)


def check(words) -> list[KeywordError]:
    """Problems of a keyword list as the editor would write it (empty: usable)."""
    if not isinstance(words, str) or not split(words):
        return [KeywordError(str(words or ""), "empty")]
    problems = []
    for word in split(words):
        try:
            _pattern(word)
        except KeywordError as exc:
            problems.append(exc)
    return problems
