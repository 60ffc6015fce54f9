"""The business: plain functions over a session, shared by UI, API, CLI and jobs."""
