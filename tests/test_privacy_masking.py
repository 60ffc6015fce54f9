"""Masking rules: one module, the same result on every page, API, export and mail."""

import pytest

from app.services.privacy.masking import (
    mask_address,
    mask_email,
    mask_name,
    mask_phone,
    mask_text,
)


@pytest.mark.parametrize("raw, shown", [
    ("13812345678", "138****5678"), ("+86 138 1234 5678", "+86 138****5678"),
    ("0571-88886666", "0571-****6666"), ("010-12345678", "010-****5678"), ("12345", "****"),
    (None, ""), ("(erased)", "(erased)"),
])
def test_phone(raw, shown):
    assert mask_phone(raw) == shown


def test_email():
    assert mask_email("alice@example.com") == "a***@example.com"
    assert mask_email("not-an-address") == "***"


@pytest.mark.parametrize("raw, kind, shown", [
    ("王小明", "person", "王*"), ("张伟", "person", "张*"), ("欧阳娜娜", "person", "欧阳*"),
    ("John Smith", "person", "J*** S***"), ("杭州贸易有限公司", "company", "杭州****有限公司"),
    ("杭州贸易有限公司", None, "杭州****有限公司"), ("Acme Trading Ltd", "company", "Acme *** Ltd"),
])
def test_name(raw, kind, shown):
    assert mask_name(raw, kind) == shown


@pytest.mark.parametrize("raw, shown", [
    ("浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区…"),
    ("北京市朝阳区建国路88号", "北京市朝阳区…"),
    ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市青秀区…"),
    ("12 Main Street, Xihu District, Hangzhou", "…, Xihu District, Hangzhou"),
    ("文三路100号", "…"),
])
def test_address_is_cut_to_the_district(raw, shown):
    assert mask_address(raw) == shown


def test_numbers_inside_texts_are_masked_and_waybills_kept():
    text = ("电话13812345678，身份证110101199003071234，座机0571-88886666，"
            "运单SF1380013800012，另 138 1234 5678")
    assert mask_text(text) == ("电话138****5678，身份证110101********1234，座机0571-****6666，"
                               "运单SF1380013800012，另 138****5678")
