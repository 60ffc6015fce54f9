"""Helpers for declaring columns the same way in every model."""

from sqlalchemy import Enum


def choice(values, length: int = 24) -> Enum:
    """A string column limited to a vocabulary; stored as VARCHAR, checked by forms and APIs."""
    return Enum(*[str(v) for v in values], native_enum=False, create_constraint=False, length=length)
