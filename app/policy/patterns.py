"""Patterns in rules run on RE2, whose matching time grows linearly with the text.

Python's `re` backtracks: `(a+)+$` against 25 characters took seconds, and a rule is
evaluated on every registration. RE2 cannot hang, but it refuses what needs
backtracking (backreferences, look-around), so such patterns are refused when a rule
set is validated.
"""

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported to the editor, not to stderr


class PatternError(ValueError):
    """The pattern cannot be compiled by RE2; the message says why."""


def compile_pattern(pattern: str):
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(str(reason)) from None
