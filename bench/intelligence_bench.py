"""Text intelligence: honest quality figures, suggestion latency and training time.

Quality: the evaluation set in bench/data/evaluation_complaints.json was written by hand
(Chinese and English, every category, not produced by the demo generator). For each of
SPLITS stratified splits, half of it is held out; a model is trained on demo texts plus
the other half, and top-1 / top-3 accuracy and per-category F1 are measured on the
held-out half. Alternatives are measured the same way.

Speed: 100,000 demo complaints in a cached SQLite database; training through the
service (`train_model`), then POST /api/v1/intelligence/suggest through the Flask
test client (authentication included) with varied descriptions: p50 / p95 / max.

    cd bench && ../.venv/bin/python intelligence_bench.py          # all
    BENCH_ONLY=quality ../.venv/bin/python intelligence_bench.py   # or speed
"""

import importlib.util
import json
import os
import random
import statistics
import time
from collections import defaultdict

from common import ROOT, percentile, seeded_app

SPLITS = int(os.environ.get("BENCH_SPLITS", "5"))
DEMO_TEXTS = int(os.environ.get("BENCH_DEMO_TEXTS", "20000"))
N = int(os.environ.get("BENCH_COMPLAINTS", "100000"))
EVALUATION = ROOT / "bench" / "data" / "evaluation_complaints.json"
# Part of the cached database's name: raise it when the demo texts or the schema change.
DATA_VERSION = 2


def demo_texts(count: int, seed: int = 11):
    from seed import reference as ref
    from seed.demo import weighted
    from seed.texts import complaint_text

    rng = random.Random(seed)
    cats = [weighted(rng, ref.CATEGORY_WEIGHTS) for _ in range(count)]
    return [complaint_text(rng, c, waybill=f"PD{rng.randrange(10**12):012d}") for c in cats], cats


def jieba_space(examples):
    """Word features (jieba for Chinese) beside the character n-grams."""
    import logging

    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    from app.intelligence.text import normalise, vectorizer

    jieba.setLogLevel(logging.WARNING)
    words = TfidfVectorizer(tokenizer=lambda t: [w for w in jieba.lcut(normalise(t)) if w.strip()],
                            token_pattern=None, lowercase=False, sublinear_tf=True,
                            ngram_range=(1, 2), min_df=1)
    return FeatureUnion([("chars", vectorizer(examples)), ("words", words)])


def word_bounded_space(examples):
    """The space used before: character 1-3-grams within words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from app.intelligence.text import normalise, vectorizer

    space = vectorizer(examples)
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True,
                           preprocessor=normalise, min_df=space.min_df,
                           max_features=space.max_features, dtype=space.dtype)


def quality():
    import numpy as np
    from sklearn.model_selection import train_test_split

    from app.intelligence import classifier

    rows = json.loads(EVALUATION.read_text(encoding="utf-8"))
    texts, cats = [r["text"] for r in rows], [r["category"] for r in rows]
    demo_x, demo_y = demo_texts(DEMO_TEXTS)
    print(f"evaluation set: {len(rows)} hand-written complaints; {SPLITS} stratified 50/50 splits; "
          f"training = {DEMO_TEXTS} demo texts + the other half")
    configs = {
        "char 1-4 TF-IDF + calibrated linear SVM (chosen)": dict(kind="svm_calibrated"),
        "char 1-4 TF-IDF + logistic regression": dict(kind="logistic"),
        "char 1-3 within words + calibrated linear SVM (the space used before)": dict(
            kind="svm_calibrated", space=word_bounded_space),
        "char 1-4 + jieba words + calibrated linear SVM": dict(kind="svm_calibrated",
                                                                space=jieba_space),
        "char 1-4 + calibrated SVM, evaluation half only (no demo)": dict(kind="svm_calibrated",
                                                                          no_demo=True),
    }
    wanted = os.environ.get("BENCH_CONFIGS")  # e.g. "1,3": the first and third only
    if wanted:
        configs = {n: c for i, (n, c) in enumerate(configs.items(), 1)
                   if str(i) in wanted.split(",")}
    for name, cfg in configs.items():
        if cfg.get("space") is jieba_space and importlib.util.find_spec("jieba") is None:
            print(f"\n{name}: skipped (pip install -e '.[bench]' for jieba)")
            continue
        top1, top3, secs, f1s, calib = [], [], [], defaultdict(list), []
        for seed in range(SPLITS):
            train_x, test_x, train_y, test_y = train_test_split(
                texts, cats, test_size=0.5, random_state=seed, stratify=cats)
            xs = train_x if cfg.get("no_demo") else demo_x + train_x
            ys = train_y if cfg.get("no_demo") else demo_y + train_y
            space = cfg["space"](len(xs)) if cfg.get("space") else None
            started = time.perf_counter()
            fitted = classifier.fit(xs, ys, kind=cfg["kind"], space=space)
            secs.append(time.perf_counter() - started)
            figures = classifier.measure(fitted, test_x, test_y)
            top1.append(figures["accuracy"])
            top3.append(figures["top3_accuracy"])
            for cat, m in figures["metrics"].items():
                f1s[cat].append(m["f1"])
            proba = fitted.category_proba(fitted.vectorizer.transform(test_x))
            best = proba.max(axis=1)
            right = np.array(fitted.categories)[proba.argmax(axis=1)] == np.array(test_y)
            calib.append((float(best.mean()), float(right.mean()),
                          float((best >= 0.5).mean()), float(right[best >= 0.5].mean())
                          if (best >= 0.5).any() else float("nan")))
        print(f"\n{name}")
        print(f"  top-1 {statistics.mean(top1):.1%} (splits {min(top1):.1%}-{max(top1):.1%}), "
              f"top-3 {statistics.mean(top3):.1%} (splits {min(top3):.1%}-{max(top3):.1%}), "
              f"fit {statistics.mean(secs):.1f} s")
        conf, acc, covered, acc_covered = (statistics.mean(c[i] for c in calib) for i in range(4))
        print(f"  mean confidence {conf:.1%} vs accuracy {acc:.1%}; at threshold 0.5: "
              f"{covered:.1%} suggested, {acc_covered:.1%} of those right")
        print("  F1: " + ", ".join(f"{c} {statistics.mean(v):.2f}" for c, v in sorted(f1s.items())))


def speed():
    from app.extensions import db
    from app.intelligence.training import train_model
    from tests.conftest import token_for  # noqa: F401 - same login path as the tests

    app = seeded_app(f"intelligence-{N}-v{DATA_VERSION}", N, 90)
    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        version = train_model(db.session, min_examples=200)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"\ntraining on {version.examples:,} complaints: {took:.1f} s wall, {cpu:.1f} s CPU "
              f"(load average {os.getloadavg()[0]:.1f}; status {version.status}, held-out "
              f"top-1 {version.accuracy:.1%} on demo texts)")
        client = app.test_client()
        login = client.post("/api/v1/security/login", json={
            "username": "admin", "password": "bench", "provider": "db"}).get_json()
        headers = {"Authorization": f"Bearer {login['access_token']}"}
        rows = json.loads(EVALUATION.read_text(encoding="utf-8"))
        started = time.perf_counter()
        first = client.post("/api/v1/intelligence/suggest", headers=headers,
                            json={"description": rows[0]["text"]})
        print(f"first suggestion (loads the model, starts indexing the resolved complaints): "
              f"{time.perf_counter() - started:.1f} s, status {first.status_code}")
        while True:
            again = client.post("/api/v1/intelligence/suggest", headers=headers,
                                json={"description": rows[0]["text"]})
            assert again.status_code == 200, again.get_json()
            if again.get_json()["similar"]:
                break
            time.sleep(1)
        print(f"similar-case index ready {time.perf_counter() - started:.1f} s after the first "
              f"suggestion (built in the background)")
        times, cpu = [], time.process_time()
        for row in rows * 2:
            started = time.perf_counter()
            resp = client.post("/api/v1/intelligence/suggest", headers=headers,
                               json={"description": row["text"]})
            times.append((time.perf_counter() - started) * 1000)
            assert resp.status_code == 200
        body = resp.get_json()
        print(f"suggest over HTTP (test client), {len(times)} requests, "
              f"{len(body['similar'])} similar cases each: p50 {percentile(times, 50):.1f} ms, "
              f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms; CPU "
              f"{(time.process_time() - cpu) / len(times) * 1000:.1f} ms per request")


if __name__ == "__main__":
    only = os.environ.get("BENCH_ONLY")
    if only in (None, "", "quality"):
        quality()
    if only in (None, "", "speed"):
        speed()
