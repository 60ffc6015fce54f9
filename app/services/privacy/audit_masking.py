"""Masking of personal data written into the audit trail.

Customers' names, phones, e-mails and addresses are masked field by field; phone numbers
and 18-digit ID numbers typed into any text are masked where they appear.
"""

import re

# An 18-digit resident ID (the last character may be X), or a mainland mobile number.
ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")
# Codes, not text: a waybill number may look like a phone number and is no personal data.
CODES = {"number", "waybill_no"}


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_name(value: str) -> str:
    return value[:1] + "*" if value else value


def mask_address(value: str) -> str:
    """Up to the district (区/县) when written the Chinese way, else the first word."""
    match = re.match(r"^(.*?[区县])", value)
    if match:
        return match.group(1) + "***"
    return value.split(" ")[0][:12] + " ***" if value else value


def mask_text(value: str) -> str:
    value = ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", value)
    value = MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", value)
    return LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", value)


PERSONAL_FIELDS = {"name": mask_name, "phone": mask_phone, "email": mask_email,
                   "address": mask_address}


def mask_value(entity: str, field: str, value):
    """The value as the audit trail may keep it."""
    if not isinstance(value, str) or not value or field in CODES:
        return value
    if entity == "customer" and field in PERSONAL_FIELDS:
        return PERSONAL_FIELDS[field](value)
    return mask_text(value)
