"""How identity reads in ordinary views and every export: the same masks everywhere."""
from __future__ import annotations


def name(value: str | None) -> str:
    """张小明 → 张*明, 张明 → 张*, 欧阳小明 → 欧**明."""
    v = (value or "").strip()
    if len(v) <= 1:
        return "*" if v else ""
    if len(v) == 2:
        return v[0] + "*"
    return v[0] + "*" * (len(v) - 2) + v[-1]


def id_number(value: str | None) -> str:
    """370321201501011234 → 3703**********1234."""
    v = (value or "").strip()
    if len(v) < 9:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def phone(value: str | None) -> str:
    """13812345678 → 138****5678."""
    v = (value or "").strip()
    if len(v) < 7:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


def address(value: str | None) -> str:
    """Only the first six characters (the township or street), the rest starred."""
    v = (value or "").strip()
    return v[:6] + ("****" if len(v) > 6 else "")


def birth_date(value: str | None) -> str:
    """2015-03-08 → 2015-**-**: the year is kept for age bands."""
    v = (value or "").strip()
    return v[:4] + "-**-**" if len(v) >= 4 else ""
