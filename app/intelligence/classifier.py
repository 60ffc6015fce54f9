"""Fitting, measuring and serialising the category and urgency models.

Both read the same character n-gram TF-IDF space (`text.vectorizer`). The category model
is a linear SVM whose scores are calibrated (sigmoid, cross-validated) so that a
confidence of 0.7 is right about 70 % of the time; bench/RESULTS.md compares it with
logistic regression and with jieba word features.
"""

import io
from collections import Counter
from dataclasses import dataclass

import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from app.intelligence.text import vectorizer

HELD_OUT = 0.2
CLASSIFIERS = ("svm_calibrated", "logistic")
# Two calibration folds: with three, training on 100,000 complaints took over a minute.
FOLDS = 2
# Urgency is a secondary suggestion: learned from at most this many of the (shuffled)
# training examples, to bound the training time.
URGENCY_EXAMPLES = 20_000


class LinearCalibrated:
    """A fitted sigmoid-calibrated linear SVM reduced to its arrays.

    scikit-learn's CalibratedClassifierCV.predict_proba validates its input once per class
    and fold, about 30 ms for one text; this computes the same probabilities (the folds'
    sigmoid-calibrated, normalised scores, averaged) with a few matrix products.
    """

    def __init__(self, fitted: CalibratedClassifierCV):
        self.classes_ = fitted.classes_
        self.folds = []
        for member in fitted.calibrated_classifiers_:
            a = np.array([c.a_ for c in member.calibrators], dtype=np.float64)
            b = np.array([c.b_ for c in member.calibrators], dtype=np.float64)
            svm = member.estimator
            self.folds.append((svm.coef_.T.astype(np.float32), svm.intercept_, a, b))

    def predict_proba(self, matrix) -> np.ndarray:
        total = 0
        for weights, intercept, a, b in self.folds:
            scores = np.asarray(matrix @ weights) + intercept
            proba = 1.0 / (1.0 + np.exp(a * scores + b))
            sums = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, sums, out=np.full_like(proba, 1 / proba.shape[1]),
                              where=sums != 0)
            total = total + proba
        return total / len(self.folds)

    def predict(self, matrix) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(matrix), axis=1)]


def make_classifier(kind: str, labels) -> object:
    smallest = min(Counter(labels).values())
    if kind == "svm_calibrated" and smallest >= 2 and len(set(labels)) > 2:
        return CalibratedClassifierCV(LinearSVC(C=0.5, random_state=0), method="sigmoid",
                                      cv=min(FOLDS, smallest))
    return LogisticRegression(C=20, max_iter=2000)


def fit_classifier(kind: str, matrix, labels):
    model = make_classifier(kind, labels).fit(matrix, labels)
    return LinearCalibrated(model) if isinstance(model, CalibratedClassifierCV) else model


@dataclass
class Fitted:
    """The fitted space and models; what a model version's payload holds."""

    vectorizer: object
    category: object
    urgency: object | None

    @property
    def categories(self) -> list[str]:
        return [str(c) for c in self.category.classes_]

    def category_proba(self, matrix) -> np.ndarray:
        return self.category.predict_proba(matrix)

    def urgency_proba(self, matrix):
        if self.urgency is None:
            return None
        return self.urgency.predict_proba(matrix)

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @staticmethod
    def loads(payload: bytes) -> "Fitted":
        return joblib.load(io.BytesIO(payload))


def fit(texts: list[str], categories: list[str], urgencies: list[int] | None = None, *,
        kind: str = "svm_calibrated", space=None) -> Fitted:
    space = space or vectorizer(len(texts))
    matrix = space.fit_transform(texts)
    model = fit_classifier(kind, matrix, categories)
    urgency = None
    if urgencies is not None and len(set(urgencies[-URGENCY_EXAMPLES:])) > 1:
        urgency = fit_classifier(kind, matrix[-URGENCY_EXAMPLES:], urgencies[-URGENCY_EXAMPLES:])
    return Fitted(space, model, urgency)


def split(texts, categories, urgencies, seed: int = 0):
    """A stratified held-out part (when every category has two examples or more)."""
    counts = Counter(categories)
    stratify = categories if min(counts.values()) >= 2 and len(categories) * HELD_OUT >= len(
        counts) else None
    return train_test_split(texts, categories, urgencies, test_size=HELD_OUT,
                            random_state=seed, stratify=stratify)


def measure(fitted: Fitted, texts, categories, urgencies=None) -> dict:
    """Top-1 / top-3 accuracy and per-category precision, recall and F1."""
    matrix = fitted.vectorizer.transform(texts)
    proba = fitted.category_proba(matrix)
    classes = np.array(fitted.categories)
    order = np.argsort(-proba, axis=1)
    predicted = classes[order[:, 0]]
    truth = np.array(categories)
    top3 = np.mean([t in classes[o[:3]] for t, o in zip(truth, order, strict=True)])
    labels = sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels,
                                                 zero_division=0)
    figures = {
        "accuracy": round(float(np.mean(predicted == truth)), 4),
        "top3_accuracy": round(float(top3), 4),
        "metrics": {label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                            "f1": round(float(f[i]), 4), "support": int(s[i])}
                    for i, label in enumerate(labels)},
        "urgency_accuracy": None,
    }
    if urgencies is not None and fitted.urgency is not None:
        guessed = fitted.urgency.predict(matrix)
        figures["urgency_accuracy"] = round(float(np.mean(guessed == np.array(urgencies))), 4)
    return figures
