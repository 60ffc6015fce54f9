"""How negative a complaint reads, 0-1, from a small Chinese and English lexicon.

Deliberately simple and explainable for rules: the score is the weighted count of
negative cues (anger, threats, repeated failure, intensifiers), 1 - exp(-sum / 3), so one
mild word gives about 0.28, an angry threat with several cues 0.8 and more.
"""

import math
import re

# cue -> weight; matched case-insensitively as substrings (Chinese has no spaces)
LEXICON = {
    # strong: threats, escalation outside, anger
    "lawyer": 2.0, "sue ": 2.0, "court": 2.0, "media": 1.5, "weibo": 1.5, "journalist": 1.5,
    "regulator": 1.5, "consumer association": 1.5, "unacceptable": 1.5, "disgusting": 1.5,
    "furious": 1.5, "outrageous": 1.5, "scam": 1.5, "fraud": 1.5, "worst": 1.5,
    "律师": 2.0, "起诉": 2.0, "法院": 2.0, "媒体": 1.5, "曝光": 1.5, "微博": 1.5, "记者": 1.5,
    "12315": 1.5, "邮政管理局": 1.5, "投诉到": 1.2, "消协": 1.5, "欺诈": 1.5, "骗子": 1.5,
    "垃圾": 1.5, "恶劣": 1.5, "太差": 1.2, "气死": 1.5, "无法接受": 1.5, "忍无可忍": 1.5,
    # medium: repeated failure, rudeness, loss
    "again": 0.8, "still not": 1.0, "nobody": 0.8, "no one": 0.8, "never": 0.8, "rude": 1.0,
    "angry": 1.2, "terrible": 1.2, "awful": 1.2, "ridiculous": 1.2, "useless": 1.2,
    "disappointed": 1.0, "refund": 0.5, "compensation": 0.5, "urgent": 0.8, "immediately": 0.8,
    "又": 0.5, "还是没": 1.0, "一直": 0.6, "没人": 0.8, "不理": 1.0, "挂电话": 1.0,
    "态度差": 1.2, "生气": 1.2, "愤怒": 1.5, "失望": 1.0, "离谱": 1.2, "赔偿": 0.5,
    "退款": 0.5, "紧急": 0.8, "马上": 0.6, "立刻": 0.8, "严重": 1.0, "差评": 1.0,
    # intensifiers
    "!!": 0.8, "！！": 0.8, "very ": 0.3, "非常": 0.3, "太": 0.3,
}
_PATTERN = re.compile("|".join(re.escape(cue) for cue in sorted(LEXICON, key=len, reverse=True)))


def negative_sentiment(text: str | None) -> float:
    total = sum(LEXICON[m.group(0)] for m in _PATTERN.finditer((text or "").lower()))
    return round(1 - math.exp(-total / 3), 3)
