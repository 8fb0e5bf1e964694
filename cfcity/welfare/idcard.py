"""居民身份证号码 (GB 11643-1999 citizen identification number): check and read it.

Plain functions, no Django. An 18-character number is six digits of the address code, eight of
the birth date, a three-digit sequence (odd for a male, even for a female) and a check
character computed by ISO 7064 MOD 11-2. A 15-digit number is the first-generation format
(born 19YYMMDD, no check character); first-generation cards stopped being valid on
2013-01-01 (居民身份证法, 2011 amendment), so cfcity reads one only to convert it to the
18-character form the same person holds now — the way public-security systems upgrade it —
and says it did so. A child born in the 1900s cannot be a minor, so the register refuses
a 15-digit number for a child (``for_minor=True``).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


class IdNumberError(ValueError):
    """The number is not a valid citizen identification number; the message says why."""


@dataclass(frozen=True)
class IdNumber:
    number: str  # the 18-character form, X upper-case
    birth_date: datetime.date
    sex: str  # "M" or "F"
    region: str  # the six-digit address code
    legacy: bool = False  # given as a 15-digit first-generation number


def check_char(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def _birth(text: str) -> datetime.date:
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdNumberError(f"出生日期 {text[:4]}-{text[4:6]}-{text[6:8]} 不存在") from None


def parse(raw: str, *, today: datetime.date | None = None, for_minor: bool = False) -> IdNumber:
    """Read a number as typed (spaces and a lower-case x allowed) or raise IdNumberError."""
    today = today or datetime.date.today()
    if raw is None:
        raise IdNumberError("请填写身份证号码")
    s = re.sub(r"\s+", "", str(raw)).upper()
    if not s:
        raise IdNumberError("请填写身份证号码")
    if len(s) == 15:
        if not s.isdigit():
            raise IdNumberError("15 位身份证号码应全部为数字")
        if for_minor:
            raise IdNumberError("15 位为第一代身份证号码（1900 年代出生），不可能属于未成年人，请核对")
        first17 = s[:6] + "19" + s[6:]
        born = _birth(first17[6:14])
        s = first17 + check_char(first17)
        legacy = True
    elif len(s) == 18:
        if not (s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")):
            raise IdNumberError("身份证号码前 17 位应为数字，最后一位为数字或 X")
        born = _birth(s[6:14])
        if check_char(s[:17]) != s[17]:
            raise IdNumberError("身份证号码校验位不正确，请核对是否输错")
        legacy = False
    else:
        raise IdNumberError(f"身份证号码应为 18 位（现为 {len(s)} 位）")
    if s[:2] in ("00", "10", "20", "30") or int(s[:2]) > 91:  # no province code starts so
        raise IdNumberError("身份证号码前两位不是有效的省级行政区划代码")
    if born > today:
        raise IdNumberError("出生日期晚于今天")
    if born.year < 1900:
        raise IdNumberError("出生日期早于 1900 年")
    sex = "M" if int(s[16]) % 2 else "F"
    return IdNumber(number=s, birth_date=born, sex=sex, region=s[:6], legacy=legacy)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def make(region: str, birth: datetime.date, sequence: int) -> str:
    """A valid 18-character number (for synthetic demo people and tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
