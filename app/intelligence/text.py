"""One text space for classifying and comparing complaints: character n-grams.

Character 1-3-grams need no word segmenter, read Chinese and English alike and survive
typos; digits are folded so that waybill numbers and dates do not become features.
"""

import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    text = _DIGITS.sub("0", (text or "").lower())
    return _SPACES.sub(" ", text).strip()


def vectorizer(examples: int) -> TfidfVectorizer:
    """TF-IDF over word-bounded character 1-3-grams (rare n-grams dropped on larger sets)."""
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, preprocessor=normalise,
        min_df=2 if examples >= 1000 else 1, max_features=400_000, dtype=np.float32)
