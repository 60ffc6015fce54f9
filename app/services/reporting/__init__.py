"""Reporting: the office's KPI figures (one computation for the pages, the API, the
exports and the monthly report), the assessment and analysis views, the monthly mail."""
