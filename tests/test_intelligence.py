"""Text intelligence: training on person-categorised complaints only, model versions,
suggestions with a confidence threshold, abstention without a model, similar cases,
the knowledge base and its permissions, rule variables, hotspot terms."""

import json
from datetime import UTC, datetime, timedelta

import flask_babel
import pytest

from app.intelligence import training
from app.intelligence.sentiment import negative_sentiment
from app.models import Complaint, ComplaintEvent, KnowledgeArticle, TextModel
from app.models.choices import CATEGORIES
from tests.conftest import PASSWORD

# A small labelled set: four categories, Chinese and English, a few ways of saying each.
EXAMPLES = {
    "delay": ["包裹五天了还没送到", "快件一直没到，超时了", "说好昨天到，今天还没到",
              "my parcel is five days late", "the delivery is late again",
              "still waiting for my parcel, it is overdue", "物流慢，迟迟不到",
              "parcel has not arrived after a week"],
    "damage": ["箱子压坏了，里面的杯子碎了", "收到的花瓶摔碎了", "外包装破损，东西坏了",
               "the box was crushed and the glass is broken", "my vase arrived smashed",
               "the screen is cracked, parcel damaged", "包裹破了，手机屏幕裂了",
               "broken items inside a crushed box"],
    "fee_dispute": ["运费多收了二十元", "收费比报价贵", "莫名其妙多扣了一笔费用",
                    "I was overcharged for shipping", "the fee is higher than the quote",
                    "hidden surcharge on my bill", "价格不对，多收钱了",
                    "charged twice for one parcel"],
    "privacy": ["我的电话号码被泄露了", "个人信息被发到群里", "陌生人知道我的地址和电话",
                "my phone number was leaked", "my personal data was shared with strangers",
                "someone posted my address online", "隐私泄露，有人打骚扰电话",
                "my details leaked to scammers"],
}


def add(session, customer_id, category, text, *, source="person", status="new",
        resolution=None, satisfaction=None, received=None, region="Zhejiang"):
    received = received or datetime(2026, 11, 1, tzinfo=UTC)
    n = session.query(Complaint).count() + 1
    c = Complaint(number=f"TC20261101{n:05d}", customer_id=customer_id, channel="phone",
                  received_at=received, category=category, category_source=source,
                  description=text, status=status, region=region, urgency=2,
                  resolution_kind=resolution[0] if resolution else None,
                  resolution_text=resolution[1] if resolution else None,
                  resolved_at=received + timedelta(days=1) if status == "resolved" else None,
                  satisfaction=satisfaction, is_open=status != "resolved")
    session.add(c)
    return c


@pytest.fixture
def labelled(session, customer_id, app):
    app.config["INTELLIGENCE_MIN_EXAMPLES"] = 20
    for category, texts in EXAMPLES.items():
        for text in texts:
            add(session, customer_id, category, text)
    session.commit()


def train(client, as_user):
    return client.post("/api/v1/intelligence/train", json={}, headers=as_user("admin"))


@pytest.fixture
def as_admin(client):
    from tests.conftest import token_for

    return token_for(client, "admin", PASSWORD)


@pytest.fixture
def as_user(as_user, as_admin):
    def headers(username):
        return as_admin if username == "admin" else as_user(username)

    return headers


def test_without_a_model_nothing_is_suggested_and_the_desk_works(client, as_user, customer_id,
                                                                  session):
    refused = train(client, as_user)
    assert refused.status_code == 409
    assert "0" in refused.get_json()["message"] and refused.get_json()["field"] == "examples"
    assert session.query(TextModel).count() == 0
    body = client.post("/api/v1/intelligence/suggest", json={"description": "box crushed"},
                       headers=as_user("agent")).get_json()
    assert body == {"category": None, "urgency": None, "similar": [], "articles": []}
    assert client.get("/api/v1/intelligence/model",
                      headers=as_user("agent")).get_json()["model"] is None
    # without a category and without a model: `other`, to triage
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "phone", "description": "box crushed"})
    assert resp.status_code == 201, resp.get_json()
    result = resp.get_json()["result"]
    assert (result["category"], result["category_source"]) == ("other", "triage")
    assert result["team"]["name"] == "Intake & Triage"


def test_training_stores_a_version_with_its_figures(client, as_user, labelled, session):
    resp = train(client, as_user)
    assert resp.status_code == 201, resp.get_json()
    model = resp.get_json()["model"]
    assert model["status"] == "active" and model["examples"] == 32
    assert model["per_category"] == {c: 8 for c in EXAMPLES}
    assert 0 <= model["accuracy"] <= 1 and model["top3_accuracy"] >= model["accuracy"]
    assert set(model["metrics"]) <= set(EXAMPLES)
    assert {"precision", "recall", "f1", "support"} <= set(next(iter(model["metrics"].values())))
    stored = session.get(TextModel, model["id"])
    assert stored.payload  # the serialized model is in the database
    shown = client.get("/api/v1/intelligence/model", headers=as_user("agent")).get_json()
    assert shown["model"]["id"] == model["id"] and len(shown["history"]) == 1


def test_only_admins_train(client, as_user, labelled):
    for user in ("agent", "lead", "editor"):
        assert client.post("/api/v1/intelligence/train", json={},
                           headers=as_user(user)).status_code == 403
    assert session_models(client) == 0


def session_models(client):
    from app.extensions import db

    return db.session.query(TextModel).count()


def test_suggestions_rank_every_category_and_respect_the_threshold(client, as_user, labelled,
                                                                   app):
    train(client, as_user)
    ask = {"description": "箱子压坏了，花瓶碎了"}
    body = client.post("/api/v1/intelligence/suggest", json=ask,
                       headers=as_user("agent")).get_json()
    top = body["category"]["top"]
    assert [t["value"] for t in top][0] == "damage"
    assert {t["value"] for t in top} == set(CATEGORIES)  # every category, ranked
    assert [t["confidence"] for t in top] == sorted((t["confidence"] for t in top), reverse=True)
    assert abs(sum(t["confidence"] for t in top) - 1) < 0.01
    confidence = top[0]["confidence"]
    app.config["SUGGEST_THRESHOLD"] = confidence - 0.01
    assert client.post("/api/v1/intelligence/suggest", json=ask, headers=as_user("agent")
                       ).get_json()["category"]["value"] == "damage"
    app.config["SUGGEST_THRESHOLD"] = confidence + 0.01
    above = client.post("/api/v1/intelligence/suggest", json=ask,
                        headers=as_user("agent")).get_json()["category"]
    assert above["value"] is None and above["top"][0]["value"] == "damage"
    assert client.post("/api/v1/intelligence/suggest", json={"text": "x"},
                       headers=as_user("agent")).get_json()["details"].keys() == {
        "text", "description"}


def test_unconfirmed_predictions_are_never_trained_on(client, as_user, labelled, session,
                                                      customer_id, app):
    train(client, as_user)
    app.config["SUGGEST_THRESHOLD"] = 0.0
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "web",
        "description": "my phone number was leaked to strangers"})
    suggested = resp.get_json()["result"]
    assert suggested["category_source"] == "suggested"
    assert suggested["category"] == suggested["predicted_category"] == "privacy"
    assert suggested["prediction_confidence"] > 0
    texts, _, _ = training.labelled_examples(session)
    assert "my phone number was leaked to strangers" not in texts
    second = train(client, as_user).get_json()["model"]
    assert second["examples"] == 32  # the suggested one did not count
    # a person confirms it (the same category, with a reason): now it teaches
    cid = suggested["id"]
    lead = as_user("admin")
    refused = client.post(f"/api/v1/complaints/{cid}/actions/change_category", headers=lead,
                          json={"version": suggested["version"], "category": "privacy"})
    assert refused.status_code == 400 and "reason" in refused.get_json()["details"]
    done = client.post(f"/api/v1/complaints/{cid}/actions/change_category", headers=lead,
                       json={"version": suggested["version"], "category": "privacy",
                             "reason": "checked with the customer"})
    assert done.status_code == 200, done.get_json()
    stored = session.get(Complaint, cid)
    session.refresh(stored)
    assert stored.category_source == "person"
    event = session.query(ComplaintEvent).filter_by(complaint_id=cid,
                                                    kind="change_category").one()
    assert event.details["was"] == "suggested" and event.details["reason"]
    assert "my phone number was leaked to strangers" in training.labelled_examples(session)[0]


def test_a_worse_model_is_kept_out_with_the_reason(client, as_user, labelled, session,
                                                   monkeypatch):
    first = train(client, as_user).get_json()["model"]
    real_fit = training.classifier.fit

    def scrambled(texts, categories, urgencies=None, **kw):
        # every label moved one category on: a model that has learned nothing useful
        order = sorted(set(categories))
        shifted = [order[(order.index(c) + 1) % len(order)] for c in categories]
        return real_fit(texts, shifted, urgencies, **kw)

    monkeypatch.setattr(training.classifier, "fit", scrambled)
    resp = train(client, as_user)
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["model"]["status"] == "rejected" and "stays in use" in body["message"]
    assert session.query(TextModel).filter_by(status="active").one().id == first["id"]
    assert session.get(TextModel, body["model"]["id"]).payload is None


def test_similar_resolved_complaints_with_their_resolution(client, as_user, labelled, session,
                                                           customer_id):
    add(session, customer_id, "damage", "glass vase smashed, box crushed in transit",
        status="resolved", resolution=("compensation", "Paid for the vase"), satisfaction=4)
    add(session, customer_id, "fee_dispute", "overcharged twenty yuan for shipping",
        status="resolved", resolution=("compensation", "Refunded the difference"))
    add(session, customer_id, "damage", "vase smashed in a crushed box, still open")
    session.commit()
    train(client, as_user)
    body = client.post("/api/v1/intelligence/suggest", headers=as_user("agent"),
                       json={"description": "my glass vase arrived smashed"}).get_json()
    first = body["similar"][0]
    assert first["resolution_kind"] == "compensation"
    assert first["resolution_text"] == "Paid for the vase" and 0 < first["score"] <= 1
    assert all(s["number"] for s in body["similar"])
    assert len(body["similar"]) <= 5
    # the complaint page shows them as suggested resolutions
    from tests.test_pages import login

    login(client, "admin")
    open_one = session.query(Complaint).filter_by(
        description="vase smashed in a crushed box, still open").one()
    page = client.get(f"/complaintview/show/{open_one.id}").get_data(as_text=True)
    assert "Suggested resolutions" in page and "Paid for the vase" in page


def test_knowledge_base_crud_and_permissions(client, session, as_user):
    from tests.test_pages import login

    login(client, "lead")
    resp = client.post("/knowledgearticleview/add", data={
        "title_en": "Broken goods: how to claim", "categories": ["damage"],
        "tags": "broken, claim", "body_en": "Ask for photos of the box and the goods."},
        follow_redirects=True)
    assert resp.status_code == 200
    article = session.query(KnowledgeArticle).one()
    assert article.categories == ["damage"] and article.title_zh is None
    edited = client.post(f"/knowledgearticleview/edit/{article.id}", data={
        "title_en": "Broken goods: claims", "categories": ["damage", "loss"],
        "tags": "broken", "body_en": "Ask for photos.", "title_zh": "破损理赔",
        "body_zh": "请客户提供照片。"}, follow_redirects=True)
    assert edited.status_code == 200
    session.expire_all()
    stored = session.get(KnowledgeArticle, article.id)
    assert stored.categories == ["damage", "loss"] and stored.title_zh == "破损理赔"
    # agents read, but do not write
    agent = client.application.test_client()
    login(agent, "agent")
    assert "Broken goods: claims" in agent.get("/knowledgearticleview/list/").get_data(True)
    agent.post("/knowledgearticleview/add", data={"title_en": "x", "body_en": "y"})
    agent.post(f"/knowledgearticleview/delete/{article.id}")
    session.expire_all()
    assert session.query(KnowledgeArticle).count() == 1
    # suggested for a matching text, even without a model
    body = client.post("/api/v1/intelligence/suggest", headers=as_user("agent"),
                       json={"description": "the goods are broken, I want to claim"}).get_json()
    assert [a["title"] for a in body["articles"]] == ["Broken goods: claims"]
    client.post(f"/knowledgearticleview/delete/{article.id}", follow_redirects=True)
    session.expire_all()
    assert session.query(KnowledgeArticle).count() == 0


@pytest.mark.parametrize("form, field, message", [
    ({"tags": "x"}, "title_zh", "Give the title in Chinese, in English or in both."),
    ({"title_zh": "破损理赔"}, "body_zh", "Write the text for this title."),
    ({"title_en": "Claims", "body_en": "Photos.", "body_zh": "请提供照片。"}, "body_zh",
     "Give this text a title in the same language."),
])
def test_an_article_needs_a_title_and_its_text_in_one_language(client, session, form, field,
                                                                message):
    from tests.test_pages import login

    login(client, "lead")
    page = client.post("/knowledgearticleview/add", data={"categories": ["damage"], **form},
                       follow_redirects=True).get_data(as_text=True)
    assert message in page
    assert session.query(KnowledgeArticle).count() == 0


def test_articles_are_suggested_in_the_users_language_else_the_other(client, session, as_user):
    session.add_all([
        KnowledgeArticle(title_zh="破损理赔须知", body_zh="破损的箱子和物品请拍照。",
                         title_en="Broken goods: photos first",
                         body_en="Photos of the broken box and goods.", categories=["damage"],
                         tags="破损, broken"),
        KnowledgeArticle(title_zh="丢件核查", body_zh="包裹丢了：先查签收记录，再调监控。",
                         categories=["loss"], tags="丢失, lost parcel"),
    ])
    session.commit()

    def titles(text, language=""):
        flask_babel.refresh()
        return [a["title"] for a in client.post(
            f"/api/v1/intelligence/suggest{language}", headers=as_user("agent"),
            json={"description": text}).get_json()["articles"]]

    assert titles("the box is broken, 箱子破损")[0] == "Broken goods: photos first"
    assert titles("the box is broken, 箱子破损", "?_l_=zh")[0] == "破损理赔须知"
    # written in Chinese only: English readers get the Chinese title
    assert titles("lost parcel 包裹丢了")[0] == "丢件核查"


def test_reply_templates_are_suggested_by_category(client, session, customer_id):
    from app.models import ReplyTemplate
    from tests.test_pages import login

    session.add_all([ReplyTemplate(category="damage", title="破损致歉", body="非常抱歉…",
                                   language="zh"),
                     ReplyTemplate(category="delay", title="Delay apology", body="Sorry…",
                                   language="en")])
    c = add(session, customer_id, "damage", "box crushed")
    session.commit()
    from app.services.access import actor_for
    from app.services.lifecycle import perform

    admin = actor_for(session, client.application.appbuilder.sm.find_user(username="admin"))
    if c.status == "new":  # offered in the reply form, to whoever may reply
        perform(session, c.id, "claim", {"version": c.version}, admin)
    login(client, "admin")
    page = client.get(f"/complaintview/show/{c.id}").get_data(as_text=True)
    assert 'id="reply-template"' in page
    assert "破损致歉" in page and "Delay apology" not in page


def test_rule_variables_with_labels_and_values(client, as_user, labelled, customer_id):
    meta = client.get("/api/v1/rulesets/metadata?kind=grading",
                      headers=as_user("editor")).get_json()["result"]["grading"]
    labels = {v["name"]: v["label"] for v in meta["variables"]}
    assert labels["negative_sentiment"].startswith("Negative sentiment")
    assert "predicted_category" in labels and "prediction_confidence" in labels
    flask_babel.refresh()  # the test's one app context keeps the first locale
    zh = client.get("/api/v1/rulesets/metadata?kind=grading&_l_=zh",
                    headers=as_user("editor")).get_json()["result"]["grading"]
    assert {v["name"]: v["label"] for v in zh["variables"]}["negative_sentiment"] == "负面情绪（0-1）"
    flask_babel.refresh()
    train(client, as_user)
    rules = json.load(open("rules/grading.json"))["rules"]
    angry = {"name": "Angry and about data", "conditions": {"all": [
        {"name": "negative_sentiment", "operator": "greater_than_or_equal_to", "value": 0.6},
        {"name": "predicted_category", "operator": "equal_to", "value": "privacy"},
        {"name": "prediction_confidence", "operator": "greater_than", "value": 0.3}]},
        "actions": [{"name": "set_level", "params": {"level": 5}}]}
    published = client.post("/api/v1/rulesets/grading/versions", headers=as_user("editor"),
                            json={"rules": [angry, *rules], "comment": "sentiment"})
    assert published.status_code == 201, published.get_json()

    def level(text):
        return client.post("/api/v1/complaints/", headers=as_user("agent"), json={
            "customer": customer_id, "channel": "web", "category": "privacy",
            "description": text}).get_json()["result"]["level"]

    assert level("我的电话号码被泄露了，太离谱了，我要找律师起诉！！") == 5
    assert level("my phone number was leaked") != 5


def test_negative_sentiment_lexicon():
    assert negative_sentiment("Thanks, a question about points") == 0
    assert 0 < negative_sentiment("the courier was rude") < 0.5
    assert negative_sentiment("垃圾快递，态度恶劣，我要找媒体曝光！！") > 0.8
    assert negative_sentiment("I will sue you, this is unacceptable") > 0.6


def test_hotspot_terms_rise_this_week(client, as_user, session, customer_id):
    now = datetime.now(UTC)
    for i in range(4):
        add(session, customer_id, "delay", "暴雨导致延误", received=now - timedelta(days=1, hours=i))
    add(session, customer_id, "delay", "普通延误", received=now - timedelta(days=20))
    session.commit()
    body = client.get("/api/v1/intelligence/hotspots?category=delay",
                      headers=as_user("lead")).get_json()["result"]
    terms = {t["term"]: t for t in body}
    assert terms["暴雨"]["this_week"] == 4 and terms["暴雨"]["weekly_before"] == 0
    assert terms["暴雨"]["region"] == "Zhejiang"
    assert client.get("/api/v1/intelligence/hotspots?category=weather",
                      headers=as_user("lead")).status_code == 400


def test_rising_terms_on_the_analysis_page_within_the_viewers_scope(client, session,
                                                                    customer_id):
    from tests.test_pages import login

    now = datetime.now(UTC)
    for i in range(3):
        add(session, customer_id, "delay", f"暴雨 flooding {i}",
            received=now - timedelta(days=1, hours=i))
    session.commit()
    login(client, "admin")
    page = client.get("/performance/analysis").get_data(as_text=True)
    rising = page[page.index('id="rising-terms"'):]
    assert "暴雨" in rising and "flooding" in rising and "Rising terms" in page
    flask_babel.refresh()
    client.get("/lang/zh", follow_redirects=True)
    flask_babel.refresh()
    page = client.get("/performance/analysis").get_data(as_text=True)
    assert "上升词" in page and "暴雨" in page[page.index('id="rising-terms"'):]
    flask_babel.refresh()
    client.get("/lang/en", follow_redirects=True)
    flask_babel.refresh()
    # the week ending with a period long past: nothing rises
    page = client.get("/performance/analysis?from=2026-01-01&to=2026-01-31").get_data(True)
    assert "flooding" not in page and "No term is rising this week." in page
    # a lead sees the terms of the teams they lead only (these complaints have no team)
    lead = client.application.test_client()
    login(lead, "lead")
    page = lead.get("/performance/analysis").get_data(as_text=True)
    assert 'id="rising-terms"' in page and "flooding" not in page


def test_cli_and_weekly_job_train(app, labelled, session):
    from app.jobs.runs import run_job

    runner = app.test_cli_runner()
    result = runner.invoke(args=["intelligence", "train"])
    assert result.exit_code == 0, result.output
    assert "active" in result.output and "held-out accuracy" in result.output
    run = run_job("intelligence")
    assert run.status == "ok" and run.details["trained"] is False  # a version is fresh
    session.query(TextModel).update({"trained_at": datetime.now(UTC) - timedelta(days=8)})
    session.commit()
    assert run_job("intelligence").details["trained"] is True
    assert session.query(TextModel).count() == 2


def test_model_page_in_both_languages(client, as_user, labelled):
    from tests.test_pages import login

    train(client, as_user)
    login(client, "agent")
    english = client.get("/intelligence/model").get_data(as_text=True)
    assert "Held-out accuracy" in english and "Train a new version" not in english
    client.get("/lang/zh", follow_redirects=True)
    chinese = client.get("/intelligence/model").get_data(as_text=True)
    assert "留出集准确率" in chinese and "Held-out accuracy" not in chinese


def test_editing_the_category_confirms_it(client, as_user, session, customer_id):
    c = add(session, customer_id, "other", "box crushed", source="triage")
    session.commit()
    resp = client.put(f"/api/v1/complaints/{c.id}", headers=as_user("admin"),
                      json={"version": c.version, "category": "damage"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["result"]["category_source"] == "person"


def test_fast_calibrated_probabilities_equal_scikit_learns():
    import numpy as np
    import scipy.sparse as sp
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.datasets import make_classification
    from sklearn.svm import LinearSVC

    from app.intelligence.classifier import LinearCalibrated

    x, y = make_classification(300, 30, n_informative=8, n_classes=4, random_state=0)
    x = sp.csr_matrix(x.astype(np.float32))
    fitted = CalibratedClassifierCV(LinearSVC(random_state=0), method="sigmoid", cv=3).fit(x, y)
    assert np.abs(fitted.predict_proba(x) - LinearCalibrated(fitted).predict_proba(x)).max() < 1e-5


def test_a_large_index_is_built_in_the_background(client, as_user, labelled, session,
                                                  customer_id, monkeypatch):
    import time

    from app.intelligence import similarity

    add(session, customer_id, "damage", "glass vase smashed, box crushed in transit",
        status="resolved", resolution=("compensation", "Paid for the vase"))
    session.commit()
    train(client, as_user)
    monkeypatch.setattr(similarity, "BUILD_IN_BACKGROUND_FROM", 0)
    ask = {"description": "my glass vase arrived smashed"}
    found, deadline = [], time.monotonic() + 30
    while not found and time.monotonic() < deadline:
        found = client.post("/api/v1/intelligence/suggest", headers=as_user("agent"),
                            json=ask).get_json()["similar"]
        time.sleep(0.2)
    assert found and found[0]["resolution_text"] == "Paid for the vase"
