"""business-rules' types, extended with what the policy needs (negations, "is one of",
keyword lists, durations). Subclasses, not a fork: the library's operators stay in use.
"""


from business_rules.fields import (
    FIELD_NO_INPUT,
    FIELD_NUMERIC,
    FIELD_SELECT,
    FIELD_SELECT_MULTIPLE,
    FIELD_TEXT,
)
from business_rules.operators import BooleanType, NumericType, StringType, type_operator

from app.policy.keywords import Keywords, compile_keywords
from app.policy.patterns import compile_pattern


class TextType(StringType):
    """Free text (descriptions, waybill numbers)."""

    name = "text"

    @type_operator(FIELD_TEXT)
    def not_equal_to(self, other):
        return self.value != other

    @type_operator(FIELD_TEXT, label="Does Not Contain")
    def not_contains(self, other):
        return other not in self.value

    @type_operator(FIELD_TEXT, label="Mentions Any Of (whole words; negated mentions do not count)",
                   assert_type_for_arguments=False)
    def contains_any_word(self, words):
        return self.prepare_contains_any_word(words).matches(self.value)

    @staticmethod
    def prepare_contains_any_word(words):
        """Compile once when the rule set is compiled, not at every evaluation
        (app/policy/keywords.py says what matches)."""
        return words if isinstance(words, Keywords) else compile_keywords(words)

    @type_operator(FIELD_TEXT, label="Matches Pattern")
    def matches_regex(self, regex):
        return self.prepare_matches_regex(regex).search(self.value) is not None

    @staticmethod
    def prepare_matches_regex(regex):
        """Compiled once per rule-set version, on RE2 (linear time: a pattern cannot hang)."""
        return regex if hasattr(regex, "search") else compile_pattern(regex)


class ChoiceType(StringType):
    """One value of a known vocabulary (category, channel, region, team …)."""

    name = "choice"
    # Text operators make no sense for a vocabulary; hide them from the editor.
    starts_with = ends_with = contains = matches_regex = None
    equal_to_case_insensitive = non_empty = None

    @type_operator(FIELD_TEXT, label="Is")
    def equal_to(self, other):
        return self.value == other

    @type_operator(FIELD_TEXT, label="Is Not")
    def not_equal_to(self, other):
        return self.value != other

    @type_operator(FIELD_SELECT_MULTIPLE, label="Is One Of", assert_type_for_arguments=False)
    def is_one_of(self, values):
        return self.value in values

    @type_operator(FIELD_SELECT_MULTIPLE, label="Is Not One Of", assert_type_for_arguments=False)
    def is_not_one_of(self, values):
        return self.value not in values


class RegionType(ChoiceType):
    """A region code (GB/T 2260); rules may also name a region group of the rule set's
    `region_groups` parameter (the engine turns the group's name into its codes)."""

    name = "region"

    @type_operator(FIELD_SELECT, label="Is In Group", assert_type_for_arguments=False)
    def is_in_group(self, codes):
        return self.value in codes

    @type_operator(FIELD_SELECT, label="Is Not In Group", assert_type_for_arguments=False)
    def is_not_in_group(self, codes):
        return self.value not in codes


GROUP_OPERATORS = ("is_in_group", "is_not_in_group")


class FloatNumbers:
    """Numbers as floats with the library's epsilon comparisons: the library's Decimal
    conversion of every float dominated evaluation time, and policy needs no more
    precision than 1e-6."""

    EPSILON = 1e-6

    @staticmethod
    def _assert_valid_value_and_cast(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AssertionError(f"{value} is not a valid numeric type.")
        return float(value)

    # The library builds these two from two wrapped calls that re-cast the argument.
    @type_operator(FIELD_NUMERIC)
    def greater_than_or_equal_to(self, other):
        return (self.value - other) > -self.EPSILON

    @type_operator(FIELD_NUMERIC)
    def less_than_or_equal_to(self, other):
        return (other - self.value) > -self.EPSILON


class NumberType(FloatNumbers, NumericType):
    name = "number"

    @type_operator(FIELD_NUMERIC)
    def not_equal_to(self, other):
        return not self.equal_to(other)


class DurationType(FloatNumbers, NumericType):
    """A span of time in hours (e.g. how long a complaint has been open)."""

    name = "duration"

    @type_operator(FIELD_NUMERIC, label="Longer Than (hours)")
    def longer_than(self, hours):
        return (self.value - hours) > self.EPSILON

    @type_operator(FIELD_NUMERIC, label="Shorter Than (hours)")
    def shorter_than(self, hours):
        return (hours - self.value) > self.EPSILON


class FlagType(BooleanType):
    name = "boolean"

    @type_operator(FIELD_NO_INPUT, label="Is Yes")
    def is_true(self):
        return self.value

    @type_operator(FIELD_NO_INPUT, label="Is No")
    def is_false(self):
        return not self.value


TYPES = {t.name: t for t in (TextType, ChoiceType, RegionType, NumberType, DurationType,
                             FlagType)}
