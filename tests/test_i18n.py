"""Every user-facing string of ours has a Simplified Chinese translation, compiled."""

import gettext
import io

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from config import BASE_DIR

CATALOGUE = BASE_DIR / "app" / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "lazy_gettext": None, "gettext": None}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(BASE_DIR), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return {m for m in found if m}


def test_source_strings_are_found():
    messages = source_messages()
    assert "Register complaint" in messages and len(messages) > 50


def test_every_string_has_a_chinese_translation():
    with open(CATALOGUE / "messages.po", "rb") as f:
        catalog = read_po(f)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - set(translated))
    assert missing == [], f"untranslated (run `make i18n` and fill zh): {missing}"


def test_compiled_catalogue_is_current():
    with open(CATALOGUE / "messages.po", "rb") as f:
        catalog = read_po(f)
    with open(CATALOGUE / "messages.mo", "rb") as f:
        compiled = gettext.GNUTranslations(io.BytesIO(f.read()))
    stale = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string
             and compiled.gettext(m.id) != m.string]
    assert stale == [], f"messages.mo is out of date (run `make i18n`): {stale[:5]}"


# Words the glossary (the trade's one term per concept) says to avoid on Chinese pages:
# 政策 reads as government policy, 团队 / 团队负责人 are not the desk's 处理组 / 组长,
# 工单 is a work order, not a complaint, 服务时限 is not the office's 处理时限.
AVOIDED = ("政策", "团队", "工单", "服务时限")


def test_chinese_catalogue_uses_the_glossary_words():
    with open(CATALOGUE / "messages.po", "rb") as f:
        catalogue = read_po(f)
    found = {m.id: m.string for m in catalogue if m.id and isinstance(m.string, str)
             and any(word in m.string for word in AVOIDED)}
    assert found == {}
