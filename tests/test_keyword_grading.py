"""The default grading policy reads descriptions as an office would: threats and harm make a
complaint major, urgency words raise its urgency one step, ordinary words and negated
mentions change nothing. Registered through the API, on both databases."""

import pytest

from app.policy.keywords import Keywords
from tests.test_pages import login

# (description, level it must get) with urgency 1, individual impact, an ordinary customer:
# the weighted score alone gives level 1; one urgency step gives level 2.
SENTENCES = [
    # ordinary
    ("My parcel is two days late.", 1),
    ("The courier was not courteous and I got fired up about it.", 1),
    ("The issue is the delivery time, nothing else.", 1),
    ("Tracking has not updated since Monday.", 1),
    ("I was charged twice for the same parcel.", 1),
    ("Nobody was injured, but the box was crushed.", 1),
    ("There was no injury, only a dented box.", 1),
    ("The driver was not hurt and neither was I.", 1),
    ("I have not called the police yet.", 1),
    ("Is there any news about my parcel?", 1),
    ("This is not urgent, just let me know.", 1),
    ("The parcel was left at the food stall next to the courthouse gate.", 1),
    ("快递延误了三天。", 1),
    ("我没有受伤，但是箱子压坏了。", 1),
    ("未受伤，只是包装破了。", 1),
    ("人没受伤，外箱有划痕。", 1),
    ("没有任何人受伤。", 1),
    ("快递员态度不好。", 1),
    ("运费315元太贵了。", 1),
    # urgency: one step up, not straight to 5
    ("Please resolve this issue immediately.", 2),
    ("This is urgent, I need the documents today.", 2),
    ("Please deliver ASAP.", 2),
    ("A serious delay for my business.", 2),
    ("非常紧急，请处理。", 2),
    ("问题很严重。", 2),
    ("请马上派送。", 2),
    ("没受伤，请尽快赔偿。", 2),
    # threats and harm: major
    ("The box leaked and my child was injured.", 5),
    ("I will sue you if this is not fixed.", 5),
    ("My lawyer will contact you.", 5),
    ("I'll take this to court.", 5),
    ("The parcel caught fire in my hallway.", 5),
    ("I am going to call the police.", 5),
    ("I will complain to the State Post Bureau.", 5),
    ("I'm not happy and I will go to the media.", 5),
    ("Urgent: the courier assaulted me.", 5),
    ("我要打12305投诉你们。", 5),
    ("我要找媒体曝光。", 5),
    ("我已经报警了。", 5),
    ("快递员打伤了我，我要起诉。", 5),
    ("我要向消费者协会投诉。", 5),
    ("我的孩子受伤了。", 5),
    ("包裹在家里起火了。", 5),
    ("再不处理我就去邮政局投诉。", 5),
    ("快递柜不安全，差点砸到人。", 5),
]


def register(client, headers, customer_id, description, **extra):
    resp = client.post("/api/v1/complaints/", headers=headers, json={
        "customer": customer_id, "channel": "web", "category": "delay",
        "description": description, **extra})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["result"]


def test_sentences_get_the_policy_level(client, as_user, customer_id):
    assert len(SENTENCES) >= 30
    headers = as_user("agent")
    wrong = []
    for text, level in SENTENCES:
        got = register(client, headers, customer_id, text)
        team = got["team"]["name"]
        if got["level"] != level or (level == 5) != (team == "Emergency Response"):
            wrong.append((text, level, got["level"], team))
    assert wrong == []


def test_urgency_words_raise_the_score_one_step(client, as_user, customer_id):
    headers = as_user("agent")
    # urgency 3 alone: 0.5*3 + 0.3 + 0.2 = 2.0 -> general; one step up: 2.5 -> important
    assert register(client, headers, customer_id, "Parcel is late", urgency=3)["level"] == 2
    raised = register(client, headers, customer_id, "Parcel is late, urgent", urgency=3)
    assert raised["level"] == 3 and raised["team"]["name"] == "Logistics Delivery"
    assert register(client, headers, customer_id, "Late, but not urgent", urgency=3)["level"] == 2
    # capped at 5: an urgency word cannot lift urgency 5 further (score 3.0 -> important)
    assert register(client, headers, customer_id, "紧急", urgency=5)["level"] == 3


def test_the_decision_records_the_urgency_words(client, as_user, customer_id):
    created = register(client, as_user("agent"), customer_id, "非常紧急，请马上处理")
    decision = client.get(f"/api/v1/complaints/{created['id']}/decisions",
                          headers=as_user("agent")).get_json()["result"][0]
    assert decision["outcome"]["urgency_words"] == ["紧急", "马上"]
    assert decision["outcome"]["scored_urgency"] == 2
    login(client, "agent")
    page = client.get(f"/complaintview/show/{created['id']}").get_data(as_text=True)
    assert "Urgency words found: 紧急, 马上; urgency used in the score: 2" in page


def test_urgency_step_is_policy(client, as_user, customer_id):
    editor = as_user("editor")
    current = client.get("/api/v1/rulesets/grading", headers=editor).get_json()
    parameters = {**current["parameters"], "urgency_step": 0}
    resp = client.post("/api/v1/rulesets/grading/versions", headers=editor, json={
        "rules": current["rules"], "parameters": parameters, "comment": "no urgency step"})
    assert resp.status_code == 201, resp.get_json()
    assert register(client, as_user("agent"), customer_id,
                    "Please resolve this issue immediately.")["level"] == 1


def test_bad_keyword_lists_are_refused(client, as_user):
    editor = as_user("editor")
    current = client.get("/api/v1/rulesets/grading", headers=editor).get_json()
    rules = current["rules"]
    rules[0]["conditions"]["any"][0]["value"] = "su*e, ok"
    parameters = {**current["parameters"], "urgency_words": " , ", "urgency_step": 9}
    resp = client.post("/api/v1/rulesets/grading/validate", headers=editor,
                       json={"rules": rules, "parameters": parameters})
    body = resp.get_json()
    assert body["valid"] is False
    paths = {p["path"]: p["message"] for p in body["problems"]}
    assert "'*' may only end a word" in paths["rules[0].conditions.any[0].value"]
    assert "parameters.urgency_words" in paths and "parameters.urgency_step" in paths


@pytest.mark.parametrize("words, text, found", [
    ("sue, sued, suing", "Please resolve this issue", []),
    ("sue, sued, suing", "They SUED me", ["sued"]),
    ("injur*", "two injuries reported", ["injuries"]),
    ("injur*", "nobody was seriously injured", []),
    ("call the police", "I will call   the police", ["call   the police"]),
    ("court", "not courteous", []),
    ("受伤", "我没有受伤", []),
    ("受伤", "无法联系快递员导致孩子受伤", ["受伤"]),
    ("12305", "电话１２３０５", ["12305"]),  # full-width digits
    ("12305", "单号912305771", []),
])
def test_keyword_matching(words, text, found):
    assert Keywords(words).found(text) == found
