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
_TOKEN = re.compile(rf"[{_LATIN}]+")
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


def _parse(keyword: str):
    """("cjk", phrase) or ("words", ((word, is_prefix, separator), ...)); KeywordError if
    the keyword cannot be used. A separator of None means "any spaces"."""
    word = normalise(keyword)
    if word.count("*") > 1 or ("*" in word and not word.endswith("*")):
        raise KeywordError(keyword, "star")
    prefix = word.endswith("*")
    word = word.rstrip("*").strip()
    if not word:
        raise KeywordError(keyword, "empty")
    if _CJK.search(word):
        return "cjk", word
    found = list(_TOKEN.finditer(word))
    if not found:
        raise KeywordError(keyword, "empty")
    if prefix and len(found[-1].group()) < 3:
        raise KeywordError(keyword, "short")
    parts = []
    for i, m in enumerate(found):
        # what separates this word from the previous one: any spaces, or exactly "-", "·" …
        sep = word[found[i - 1].end():m.start()] if i else ""
        parts.append((m.group(), prefix and i == len(found) - 1,
                      None if sep.isspace() else sep.strip()))
    return "words", tuple(parts)


class Keywords:
    """A compiled keyword list: `found(text)` gives the keywords that count in the text.

    Latin-script text is split into words once; keywords are looked up by their first
    word (or its first three letters for `word*`), so a long list costs little. Chinese
    keywords are found as substrings."""

    def __init__(self, words: str):
        self.words = split(words)
        if not self.words:
            raise KeywordError(words, "empty")
        self.cjk: list[str] = []
        self.exact: dict[str, list] = {}
        self.prefixed: dict[str, list] = {}
        for keyword in self.words:
            kind, body = _parse(keyword)
            if kind == "cjk":
                self.cjk.append(body)
                continue
            first, is_prefix, _sep = body[0]
            if is_prefix:
                self.prefixed.setdefault(first[:3], []).append(body)
            else:
                self.exact.setdefault(first, []).append(body)
        self.cjk_starts = frozenset(phrase[0] for phrase in self.cjk)
        # the whole words a keyword needs besides its first (a phrase's other words)
        self.needs = {first: [frozenset(p[0] for p in parts if not p[1]) for parts in found]
                      for first, found in self.exact.items()}

    def _hits(self, text: str, words: frozenset):
        """(start, matched text) of every mention, negated or not, in text order."""
        hits = []
        # most texts mention no keyword: set lookups say so before any scan
        if any(w in self.exact and any(need <= words for need in self.needs[w])
               or w[:3] in self.prefixed for w in words):
            tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
            for i, (token, start, _end) in enumerate(tokens):
                for parts in self.exact.get(token, []) + self.prefixed.get(token[:3], []):
                    end = _match(parts, tokens, i, text)
                    if end is not None:
                        hits.append((start, text[start:end]))
        if self.cjk and not self.cjk_starts.isdisjoint(text):
            hits += self._cjk_hits(text)
        return sorted(hits)

    def _cjk_hits(self, text: str):
        hits = []
        for phrase in self.cjk:
            at = text.find(phrase)
            while at >= 0:
                hits.append((at, phrase))
                at = text.find(phrase, at + 1)
        return hits

    def found(self, text: str) -> list[str]:
        text, words = _scan(text or "")
        return [word for start, word in self._hits(text, words) if not negated(text, start)]

    def matches(self, text: str) -> bool:
        text, words = _scan(text or "")
        return any(not negated(text, start) for start, _word in self._hits(text, words))


@lru_cache(maxsize=64)
def _scan(text: str) -> tuple[str, frozenset]:
    """The normalised text and its words, once per text: the threat list and the urgency
    words read the same description one after the other."""
    text = normalise(text)
    return text, frozenset(_TOKEN.findall(text))


def _match(parts, tokens, i, text) -> int | None:
    """The end of the keyword `parts` starting at token i, or None: consecutive words,
    separated as in the keyword (spaces: any spaces), the last one possibly a prefix."""
    if i + len(parts) > len(tokens):
        return None
    end = None
    for j, (word, is_prefix, sep) in enumerate(parts):
        token, start, stop = tokens[i + j]
        gap = text[end:start] if j else ""
        if j and not (gap.isspace() if sep is None else gap.strip() == sep):
            return None
        if not (token.startswith(word) if is_prefix else token == word):
            return None
        end = stop
    return end


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
            _parse(word)
        except KeywordError as exc:
            problems.append(exc)
    return problems
