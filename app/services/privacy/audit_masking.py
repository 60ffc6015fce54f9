"""Masking of personal data written into the audit trail, with the rules of `masking`:
customers' names, phones, e-mails and addresses field by field; phone and 18-digit ID
numbers typed into any text where they appear."""

from app.services.privacy import masking

# Codes, not text: a waybill number may look like a phone number and is no personal data.
CODES = {"number", "waybill_no"}

PERSONAL_FIELDS = {"name": masking.mask_name, "phone": masking.mask_phone,
                   "email": masking.mask_email, "address": masking.mask_address}


def mask_value(entity: str, field: str, value):
    """The value as the audit trail may keep it (the erasure marker stays as stored)."""
    if not isinstance(value, str) or not value or field in CODES or masking.is_erased(value):
        return value
    if entity == "customer" and field in PERSONAL_FIELDS:
        return PERSONAL_FIELDS[field](value)
    return masking.mask_text(value)
