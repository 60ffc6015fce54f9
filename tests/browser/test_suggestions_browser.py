"""Suggestions appear on the registration page while the description is typed, in English
and in Chinese, and a click puts the suggested category into the form."""

import pytest

from app.intelligence.training import train_model
from app.models import KnowledgeArticle
from tests.browser.conftest import sign_in
from tests.test_intelligence import EXAMPLES, add

SHOTS = "/tmp/parceldesk-shots"


@pytest.fixture
def trained(session, customer_id):
    for category, texts in EXAMPLES.items():
        for text in texts:
            add(session, customer_id, category, text)
    add(session, customer_id, "damage", "花瓶碎了，箱子压坏了", status="resolved",
        resolution=("compensation", "按保价金额赔偿"), satisfaction=5)
    session.add(KnowledgeArticle(title_zh="破损理赔须知", body_zh="请客户提供外包装和物品的照片。",
                                 title_en="Broken goods: what to ask for",
                                 body_en="Photos of the box and the goods.",
                                 categories=["damage"], tags="破损, 理赔, broken"))
    session.commit()
    return train_model(session, min_examples=20)


@pytest.mark.parametrize("language, text, heading, category_label", [
    ("en", "the box was crushed and my vase is smashed", "Suggestions", "Damage"),
    ("zh", "箱子压坏了，花瓶碎了", "智能建议", "破损"),
])
def test_suggestions_while_typing(page, trained, language, text, heading, category_label, app):
    import os

    sign_in(page, "agent")
    page.goto(f"/lang/{language}")
    page.goto("/complaintview/add")
    panel = page.locator("#suggestions")
    assert heading in panel.inner_text()
    page.fill("textarea[name=description]", text)
    first = page.locator("#suggest-categories li").first
    first.wait_for()
    assert first.get_attribute("data-category") == "damage"
    assert category_label in first.inner_text() and "%" in first.inner_text()
    assert page.locator("#suggest-categories li").count() <= 3
    # the article in the page's language
    articles = page.locator("#suggest-articles")
    articles.locator("a").first.wait_for()
    shown, other = ("破损理赔须知", "Broken goods") if language == "zh" else (
        "Broken goods: what to ask for", "破损理赔须知")
    assert shown in articles.inner_text() and other not in articles.inner_text()
    first.locator("button").click()
    assert page.locator("select[name=category]").input_value() == "damage"
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/register-{language}.png", full_page=True)
    # what the complaint page and the model page look like, for the record
    page.goto("/intelligence/model")
    page.wait_for_selector("#active-model")
    page.screenshot(path=f"{SHOTS}/model-{language}.png", full_page=True)
