"""Shared by the hostile-input tests (tests/security/test_fuzz_*.py, test_uploads.py,
test_injection.py): the hypothesis profiles and the hostile strings.

Profiles (``CFCITY_FUZZ=dev|ci|deep``; ``ci`` unless set — `make test` and CI must give the
same verdict on the same code; explore with ``dev`` or ``deep`` and keep what they find as a test):
    dev   a moderate number of examples, random each run, so each file runs in well under a minute
    ci    the same counts, derandomized and without the example database: reproducible runs
    deep  ten times the examples, to run by hand after changing an importer or a form
"""
from __future__ import annotations

import io
import os
import zipfile

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large,
            HealthCheck.filter_too_much]
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile("ci", settings.get_profile("dev"), derandomize=True, database=None, print_blob=True)
settings.register_profile("deep", settings.get_profile("dev"), max_examples=400)
PROFILE_NAME = os.environ.get("CFCITY_FUZZ") or "ci"
PROFILE = settings.get_profile(PROFILE_NAME)


def fuzz(max_examples: int | None = None, **kw):
    """``@fuzz(20)``: the active profile, with this test's own example count scaled by it."""
    if max_examples is not None:
        kw["max_examples"] = max_examples * (10 if PROFILE_NAME == "deep" else 1)
    return settings(PROFILE, **kw)


# What an attacker types into a field, a query parameter or a file name.
HOSTILE = [
    "' OR 1=1 --", "1' OR '1'='1", "1; DROP TABLE reporting_report; --", "1 UNION SELECT username, password FROM auth_user",
    "../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "....//....//etc/passwd",
    "/etc/passwd", "file:///etc/passwd", "a\x00b", "\x00", "%00", "1\x00", "<script>alert(1)</script>",
    "{{7*7}}", "${7*7}", "\u202e\u0645", "\ufeff1", "１２３", "一二三", "-1", "0", "1e309", "NaN", "Infinity",
    "2147483648", "9223372036854775808", "99999999999999999999999999", "1.5", " 1 ", "0x10", "true", "[]", "{}",
    "²", "٣", "1²", "-0", "+1", "1_000",  # str.isdigit() says yes to some of these, int() says no
    "x" * 5000,
]

# Text a county official might paste, plus what a broken tool might emit.
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
PUNCT = st.sampled_from(list("，。、；：（）“”《》〔〕—…％%.:;()-+·\t \u3000"))
CONTROL = st.characters(max_codepoint=0x1F) | st.sampled_from(["\x7f", "\u2028", "\u2029", "\ufeff", "\ufffe",
                                                               "\ud7ff", "\U0010ffff", "\u200b", "\x85"])
NUMERALS = st.sampled_from(list("0123456789０１２３４５６７８９〇一二三四五六七八九十百千万ⅠⅡⅢⅣⅫ①②⑩⑴⒈¹²³")
                           + ["2025", "２０２５", "二〇二五", "1.5", "１．５", "-3", "100%", "１００％"])
FIELD_TEXT = st.lists(CJK | PUNCT | NUMERALS | CONTROL | st.characters(), max_size=120).map("".join)


def zip_bomb(member: str, megabytes: int, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip with ``extra`` parts and ``member`` inflating to ``megabytes`` MB of zeros
    (a few KB on disk), written in chunks so the test itself stays small in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        with z.open(member, "w", force_zip64=True) as f:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                f.write(chunk)
    return buf.getvalue()
