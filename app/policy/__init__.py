"""The business-rules binding: typed variables and actions per rule-set kind, validation,
compiled evaluation with a trace, and the versioned store.

Rules decide, services act: evaluating a rule set is pure (facts in, decisions and a
trace out); the caller applies the decisions.
"""
