"""Varied demo complaint texts, in Chinese or English: an opener, sometimes some context,
one of a category's core sentences with its slots filled in, sometimes what customers add
and a detail, and a closing; now and then only a few impatient words.

The phrases (seed/phrases_zh.py, seed/phrases_en.py) say the same things in many words and
registers, so that the demo's text model learns the category from the meaning.
"""

from seed import phrases_en, phrases_zh

RESOLUTIONS = {
    "delay": [("redelivery", "联系网点优先派送，次日上午送达"), ("compensation", "按时效承诺退还运费"),
              ("explanation", "Explained the hub backlog and gave a new delivery date")],
    "damage": [("compensation", "按保价金额赔偿损坏物品"), ("compensation", "Paid for the broken goods after checking the photos"),
               ("redelivery", "补发同款商品，费用由我司承担")],
    "loss": [("compensation", "确认丢失，按申报价值赔付"), ("compensation", "Declared lost and refunded the declared value")],
    "wrong_delivery": [("redelivery", "取回包裹重新派送到客户指定地址"),
                       ("apology", "Apologised and retrieved the parcel from the wrong address")],
    "staff_attitude": [("penalty", "对快递员进行处罚并安排上门道歉"), ("apology", "Team lead called the customer to apologise")],
    "pickup": [("rectification", "安排专人当天上门揽收"), ("apology", "Apologised and booked a guaranteed pickup slot")],
    "fee_dispute": [("compensation", "退还多收的费用"), ("explanation", "Explained the surcharge and refunded the difference")],
    "tracking": [("explanation", "核实实际位置并更新物流信息"), ("rectification", "Fixed the scan records and shared the real status")],
    "privacy": [("rectification", "删除泄露信息并对网点整改"), ("apology", "Removed the posted data and disciplined the staff involved")],
    "other": [("explanation", "已电话答复客户的咨询"), ("explanation", "Answered the question by phone")],
}



def _slots(rng, lang, waybill: str) -> dict:
    return {"days": rng.randint(2, 9), "amount": rng.choice([5, 8, 12, 20, 35, 60, 150]),
            "time": rng.choice([2, 3, 4, 5]), "waybill": waybill, "item": rng.choice(lang.ITEMS),
            "place": rng.choice(lang.PLACES), "city": rng.choice(lang.CITIES)}


def _maybe(rng, chance: float, options) -> str:
    return rng.choice(options) if rng.random() < chance else ""


def _chinese(rng, category: str, slots: dict) -> str:
    lang = phrases_zh
    if rng.random() < 0.12:
        return (_maybe(rng, 0.3, lang.OPENERS) + rng.choice(lang.SHORT[category])
                + rng.choice(["", "！", "。", "？"])).format(**slots)
    parts = [rng.choice(lang.OPENERS), _maybe(rng, 0.25, lang.CONTEXT),
             rng.choice(lang.CORES[category]), rng.choice(["。", "，", "！", "。"])]
    if rng.random() < 0.15:
        parts += [rng.choice([c for c in lang.CORES[category] if c != parts[2]]), "。"]
    parts += [_maybe(rng, 0.45, lang.EXTRAS[category]), _maybe(rng, 0.5, lang.DETAILS),
              rng.choice(lang.CLOSINGS)]
    text = "".join(parts).format(**slots)
    return text.rstrip("，") if rng.random() < 0.8 else text.rstrip("。！，")


def _english(rng, category: str, slots: dict) -> str:
    lang = phrases_en
    if rng.random() < 0.12:
        text = _maybe(rng, 0.3, lang.OPENERS) + rng.choice(lang.SHORT[category])
        return text.format(**slots)
    opener = rng.choice(lang.OPENERS)
    core = rng.choice(lang.CORES[category])
    context = _maybe(rng, 0.25, lang.CONTEXT)
    if context or not opener or opener.endswith((". ", ": ")):
        core = core[0].upper() + core[1:]
    parts = [opener, context, core, rng.choice([".", ".", "!", ""])]
    if rng.random() < 0.15:
        again = rng.choice([c for c in lang.CORES[category] if c != core.lower()])
        parts += [" ", again[0].upper(), again[1:], "."]
    parts += [_maybe(rng, 0.45, lang.EXTRAS[category]), _maybe(rng, 0.5, lang.DETAILS),
              rng.choice(lang.CLOSINGS)]
    text = "".join(parts).format(**slots)
    return text.lower() if rng.random() < 0.1 else text


def complaint_text(rng, category: str, *, waybill: str) -> str:
    """One demo description of `category`, Chinese about 60 % of the time."""
    if rng.random() < 0.6:
        return _chinese(rng, category, _slots(rng, phrases_zh, waybill))
    return _english(rng, category, _slots(rng, phrases_en, waybill))


def resolution(rng, category: str) -> tuple[str, str]:
    return rng.choice(RESOLUTIONS[category])
