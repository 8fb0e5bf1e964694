"""Unit codes: 统一社会信用代码 (GB 32100-2015, 18 characters with a check character) or an
administrative division code (行政区划代码: 6 digits for a county, 9 for a town, 12 for a
village). Plain functions; ``validate_code`` is also the model field's validator."""
import re

from django.core.exceptions import ValidationError

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # no I, O, S, V, Z
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
USCC_RE = re.compile(rf"^[{USCC_CHARS}]{{18}}$")
DIVISION_RE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 from its first 17."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unit code (a Chinese sentence), or None when it is."""
    if not code or DIVISION_RE.match(code):
        return None
    if len(code) == 18:
        if not USCC_RE.match(code):
            return "统一社会信用代码只能由数字和大写字母组成（不含 I、O、S、V、Z）"
        if uscc_check_char(code[:17]) != code[17]:
            return "统一社会信用代码的校验位不对，请核对是否抄错"
        return None
    return "应为18位统一社会信用代码，或6、9、12位数字的行政区划代码"


def validate_code(code: str):
    problem = code_problem(code)
    if problem:
        raise ValidationError(f"代码“{code}”有误：{problem}")
