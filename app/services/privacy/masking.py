"""Personal data as staff see it by default: masked. One module, used by every page, API,
export, staff mail and the timeline, so that a value is masked the same way everywhere.

- phone: a mobile keeps its first three and last four digits (138****5678), a landline its
  area code and last four (0571-****6666);
- e-mail: the first character of the mailbox and the domain (a***@example.com);
- name: a person's surname (王*, 欧阳*), a Latin name's initials (J*** S***), a company's
  first characters and its legal form (杭州****有限公司);
- address: cut to the district (浙江省杭州市西湖区…), nothing finer;
- free text (descriptions, notes, replies, the timeline): mobile and landline numbers and
  18-digit ID numbers inside it are masked as above.

An erased customer's values are the ERASED marker, shown translated (`erased_label`).
"""

import re

from flask_babel import lazy_gettext

ERASED = "(erased)"  # stored in place of erased personal data; shown translated
ERASED_LABEL = lazy_gettext("(erased)")
PERSONAL_FIELDS = ("name", "phone", "email", "address")

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
                     "令狐", "长孙", "宇文", "司徒", "夏侯", "端木", "独孤", "南宫", "西门")
COMPANY_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "商行", "工作室",
                 "Co., Ltd.", "Co. Ltd", "Ltd.", "Ltd", "Inc.", "Inc", "LLC", "GmbH")
# province (or municipality), city (prefecture), district (county, banner, county-level city)
ADDRESS = re.compile(r"^\s*((?:.{2,7}?(?:特别行政区|自治区|省|市))?(?:.{1,8}?(?:自治州|地区|盟|州|市))?"
                     r".{1,8}?(?:区|县|旗|市))")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])((?:\+?86[ -]?)?1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?![0-9A-Za-z])")
LANDLINE = re.compile(r"(?<![0-9A-Za-z])(0(?:[12]\d|\d{3}))[ -]?\d{3,4}(\d{4})(?![0-9A-Za-z])")


def is_erased(value) -> bool:
    return value == ERASED


def shown(value) -> str:
    """A stored value as a page shows it: the marker translated, None as empty."""
    if value is None:
        return ""
    return str(ERASED_LABEL) if is_erased(value) else value


def mask_phone(value: str | None) -> str:
    if not value or is_erased(value):
        return shown(value)
    digits = re.sub(r"\D", "", value)
    if digits.startswith("86") and len(digits) == 13:
        return "+86 " + mask_phone(digits[2:])
    if len(digits) == 11 and digits[0] == "1":
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0") and len(digits) >= 10:
        area = digits[:3] if digits[1] in "12" else digits[:4]
        return f"{area}-****{digits[-4:]}"
    return "****" + digits[-4:] if len(digits) >= 8 else "****"


def mask_email(value: str | None) -> str:
    if not value or is_erased(value):
        return shown(value)
    local, at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if at else "***"


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def mask_name(value: str | None, kind: str | None = "person") -> str:
    """`kind` None: a company is recognised by its legal form (有限公司, Ltd)."""
    if not value or is_erased(value):
        return shown(value)
    value = value.strip()
    if kind == "company" or (kind is None and value.endswith(COMPANY_FORMS)):
        return _mask_company(value)
    if _is_cjk(value):
        surname = value[:2] if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else value[:1]
        return surname + "*"
    return " ".join(word[:1] + "***" for word in value.split())


def _mask_company(value: str) -> str:
    form = next((f for f in COMPANY_FORMS if value.endswith(f) and len(value) > len(f)), "")
    head = value[:len(value) - len(form)].strip()
    if _is_cjk(head):
        return head[:2] + "****" + form
    first = head.split()[0] if head.split() else head
    return f"{first} ***" + (f" {form}" if form else "")


def mask_address(value: str | None) -> str:
    """Down to the district: a Chinese address by its administrative suffixes; a Latin one
    without its first part (the street and number)."""
    if not value or is_erased(value):
        return shown(value)
    value = value.strip()
    if _is_cjk(value):
        match = ADDRESS.match(value)
        return (match.group(1) + "…") if match and len(match.group(1)) < len(value) else "…"
    parts = [p.strip() for p in value.split(",") if p.strip()]
    return "…, " + ", ".join(parts[1:]) if len(parts) > 1 else "…"


def mask_text(text: str | None) -> str | None:
    """Free text with the phone and ID numbers inside it masked; other words unchanged."""
    if not text or not isinstance(text, str):
        return text
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:]}", text)
    text = MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    return LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)}", text)


def mask_values(values: dict) -> dict:
    """A dict's text values masked (the figures of a staff notice)."""
    return {k: mask_text(v) if isinstance(v, str) else v for k, v in values.items()}


def mask_nested(value, mask=mask_text):
    """Every text inside JSON-like data (an event's details, a decision's trace) masked."""
    if isinstance(value, dict):
        return {k: mask_nested(v, mask) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_nested(v, mask) for v in value]
    return mask(value) if isinstance(value, str) else value


def masked_customer(customer) -> dict:
    """The customer's personal fields as shown by default."""
    return {"name": mask_name(customer.name, customer.kind), "phone": mask_phone(customer.phone),
            "email": mask_email(customer.email), "address": mask_address(customer.address)}


def full_customer(customer) -> dict:
    """The customer's personal fields in full (a reveal), the marker translated."""
    return {name: shown(getattr(customer, name)) for name in PERSONAL_FIELDS}
