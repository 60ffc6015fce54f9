"""China's 34 provincial-level divisions (GB/T 2260 codes), the region vocabulary of
complaints, customers, outlets and rules. Data stores the code; pages show the name in
the user's language; input may give the code or either name.
"""

import difflib

from flask_babel import get_locale, gettext

# code, Chinese name, short Chinese name, English name
REGIONS = (
    ("110000", "北京市", "北京", "Beijing"),
    ("120000", "天津市", "天津", "Tianjin"),
    ("130000", "河北省", "河北", "Hebei"),
    ("140000", "山西省", "山西", "Shanxi"),
    ("150000", "内蒙古自治区", "内蒙古", "Inner Mongolia"),
    ("210000", "辽宁省", "辽宁", "Liaoning"),
    ("220000", "吉林省", "吉林", "Jilin"),
    ("230000", "黑龙江省", "黑龙江", "Heilongjiang"),
    ("310000", "上海市", "上海", "Shanghai"),
    ("320000", "江苏省", "江苏", "Jiangsu"),
    ("330000", "浙江省", "浙江", "Zhejiang"),
    ("340000", "安徽省", "安徽", "Anhui"),
    ("350000", "福建省", "福建", "Fujian"),
    ("360000", "江西省", "江西", "Jiangxi"),
    ("370000", "山东省", "山东", "Shandong"),
    ("410000", "河南省", "河南", "Henan"),
    ("420000", "湖北省", "湖北", "Hubei"),
    ("430000", "湖南省", "湖南", "Hunan"),
    ("440000", "广东省", "广东", "Guangdong"),
    ("450000", "广西壮族自治区", "广西", "Guangxi"),
    ("460000", "海南省", "海南", "Hainan"),
    ("500000", "重庆市", "重庆", "Chongqing"),
    ("510000", "四川省", "四川", "Sichuan"),
    ("520000", "贵州省", "贵州", "Guizhou"),
    ("530000", "云南省", "云南", "Yunnan"),
    ("540000", "西藏自治区", "西藏", "Tibet"),
    ("610000", "陕西省", "陕西", "Shaanxi"),
    ("620000", "甘肃省", "甘肃", "Gansu"),
    ("630000", "青海省", "青海", "Qinghai"),
    ("640000", "宁夏回族自治区", "宁夏", "Ningxia"),
    ("650000", "新疆维吾尔自治区", "新疆", "Xinjiang"),
    ("710000", "台湾省", "台湾", "Taiwan"),
    ("810000", "香港特别行政区", "香港", "Hong Kong"),
    ("820000", "澳门特别行政区", "澳门", "Macao"),
)
CODES = tuple(r[0] for r in REGIONS)
ZH = {r[0]: r[1] for r in REGIONS}
EN = {r[0]: r[3] for r in REGIONS}
# Region groups of the default policy; each rule set keeps its own copy as the parameter
# `region_groups`, which the editor changes and every version records.
DEFAULT_REGION_GROUPS = {
    "remote": ["650000", "540000", "630000", "620000", "640000", "150000", "460000"],
}

# every spelling input may use, folded, to its code
_ALIASES = {}
for _code, _zh, _short, _en in REGIONS:
    for _name in (_code, _code[:2], _zh, _short, _en, _en.replace(" ", "")):
        _ALIASES[_name.casefold()] = _code
_ALIASES.update({"xi'an": "610000", "shaanxi province": "610000", "macau": "820000",
                 "xizang": "540000", "neimenggu": "150000"})


def region_code(value) -> str | None:
    """The code of a region given by code, Chinese or English name; None when unknown."""
    if not isinstance(value, str):
        return None
    return _ALIASES.get(value.strip().casefold())


def did_you_mean(value) -> str:
    """A hint naming the closest known region, or an empty string."""
    names = list(ZH.values()) + list(EN.values())
    close = difflib.get_close_matches(str(value).strip(), names, n=1, cutoff=0.5)
    if not close:
        return ""
    return gettext(" (did you mean '%(word)s'?)", word=close[0])


def unknown_region(value) -> str:
    return (gettext("'%(value)s' is not a region of China (give its GB/T 2260 code, Chinese or "
                    "English name)", value=value) + did_you_mean(value))


def region_name(code, locale: str | None = None) -> str:
    """The region's name in the user's language; unknown values are shown as they are."""
    if code is None:
        return ""
    if locale is None:
        current = get_locale()
        locale = current.language if current else "en"
    names = ZH if locale == "zh" else EN
    return names.get(code, code)


class RegionName:
    """A region's label that reads in the language of the request that prints it."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        return region_name(self.code)

    def __html__(self) -> str:
        return str(self)


REGION_LABELS = {code: RegionName(code) for code in CODES}
