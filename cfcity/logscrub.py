"""Keep personal data and secrets out of the logs.

``ScrubFilter`` sits on every handler (``logging_config`` below builds settings.LOGGING) and
rewrites each record before it is formatted: in the message, its arguments (tuples, lists,
dicts, nested) and the ``sql``/``params`` that Django's SQL log (``django.db.backends``) adds.

What is masked:
- Chinese resident ID numbers (18 digits, the last may be X; the old 15-digit form);
- mobile phone numbers (1[3-9]…, eleven digits, with or without +86 and separators);
- the value after a password/token/secret-like name (``password=…``, ``"token": "…"``,
  ``密码：…``, ``Authorization: Bearer …``) and Django password hashes;
- in SQL that reads or writes a table holding credentials (sessions, TOTP devices and backup
  codes, API tokens, user rows), every quoted literal and every string parameter: a session
  key or a TOTP seed carries no label to recognise it by.

A filter on a handler (not on a logger) sees records propagated from every logger below it.
"""
from __future__ import annotations

import logging
import re

ID_MASK = "[身份证号已隐去]"
PHONE_MASK = "[手机号已隐去]"
SECRET_MASK = "[已隐去]"

_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
ID_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z])(?:[1-9]\d{{5}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[0-9Xx]"  # 18 digits
    rf"|[1-9]\d{{5}}\d{{2}}{_DATE}\d{{3}})(?![0-9A-Za-z])")  # 15 digits (before 1999)
PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])")
_SECRET_NAME = (r"[\w.-]*(?:password|passwd|pwd|passphrase|token|secret|api[_-]?key|otp|sessionid)[\w.-]*"
                r"|密码|口令|令牌|密钥|验证码")
SECRET_VALUE = re.compile(
    rf"(?P<name>{_SECRET_NAME})(?P<sep>[\"']?\s*(?:[:=：]|\s+is\s+)\s*[\"']?)(?P<value>[^\s\"'&,;)}}]+)",
    re.IGNORECASE)
BEARER = re.compile(r"(?P<name>\b(?:Bearer|Basic|Token))\s+(?P<value>[A-Za-z0-9._~+/=-]{8,})")
# a calendar feed's address carries its secret (/agenda/<token>.ics): request logs must not
FEED_TOKEN = re.compile(r"(?P<path>/agenda/)[A-Za-z0-9_-]{8,}(?P<ext>\.ics)")
PASSWORD_HASH = re.compile(r"\b(?:argon2|pbkdf2_sha256|pbkdf2_sha1|bcrypt_sha256|bcrypt|scrypt|md5)\$[A-Za-z0-9$=,+/._-]+")

# tables whose rows are credentials; SQL touching them is logged without any literal
CREDENTIAL_TABLES = re.compile(
    r"\b(?:django_session|otp_totp_totpdevice|otp_static_\w+|accounts_apitoken|auth_user|agenda_calendarfeed)\b",
    re.IGNORECASE)
SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")
_SECRET_KEYS = re.compile(rf"^(?:{_SECRET_NAME})$", re.IGNORECASE)


def scrub(text: str) -> str:
    """``text`` with ID numbers, phone numbers and secret values masked."""
    if not text:
        return text
    text = PASSWORD_HASH.sub(SECRET_MASK, text)
    text = FEED_TOKEN.sub(lambda m: f"{m['path']}{SECRET_MASK}{m['ext']}", text)
    text = BEARER.sub(lambda m: f"{m['name']} {SECRET_MASK}", text)
    text = SECRET_VALUE.sub(lambda m: f"{m['name']}{m['sep']}{SECRET_MASK}", text)
    text = ID_NUMBER.sub(ID_MASK, text)
    return PHONE.sub(PHONE_MASK, text)


def scrub_sql(sql: str) -> str:
    if CREDENTIAL_TABLES.search(sql or ""):
        sql = SQL_LITERAL.sub(f"'{SECRET_MASK}'", sql)
    return scrub(sql)


def scrub_value(value, *, credentials: bool = False):
    """A log argument with every string inside it scrubbed (containers rebuilt, others kept).
    ``credentials``: the value belongs to SQL on a credential table — every string goes."""
    if isinstance(value, str):
        return SECRET_MASK if credentials and value else scrub(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return SECRET_MASK if credentials else value
    if isinstance(value, dict):
        return {k: (SECRET_MASK if isinstance(k, str) and _SECRET_KEYS.match(k)
                    else scrub_value(v, credentials=credentials)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(scrub_value(v, credentials=credentials) for v in value)
    return value


class ScrubFilter(logging.Filter):
    """Masks personal data and secrets in a record; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._scrub(record)
        except Exception:  # a log line must never break the request that writes it
            record.msg, record.args = "[日志内容无法检查，已隐去]", ()
        return True

    @staticmethod
    def _scrub(record: logging.LogRecord):
        sql = getattr(record, "sql", None)
        credentials = isinstance(sql, str) and bool(CREDENTIAL_TABLES.search(sql))
        if isinstance(sql, str):
            record.sql = scrub_sql(sql)
        if hasattr(record, "params"):
            record.params = scrub_value(record.params, credentials=credentials)
        # arguments first (a dict's "password" key, a credential table's parameters), then the
        # merged message: "password=%s" only shows what follows the name once merged
        args = record.args
        if isinstance(args, dict):
            record.args = scrub_value(args)
        elif isinstance(args, tuple):
            record.args = tuple(a if isinstance(a, str) else scrub_value(a, credentials=credentials)
                                for a in args)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: show what there is, still masked
            message = f"{record.msg} {record.args!r}"
        record.msg = scrub_sql(message) if credentials else scrub(message)
        record.args = ()
        # a formatted traceback is cached here once a handler has formatted it
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)


def logging_config(level: str = "WARNING", sql: bool = False, json_format: bool = False) -> dict:
    """settings.LOGGING: one console handler with the filter, given explicitly to the loggers
    Django configures itself ("django", "django.server"), so none of theirs is left without it.
    ``sql``: every SQL statement at DEBUG (Django logs them only when DEBUG is on).
    ``json_format``: one JSON object a line — time, level, logger, message, the request id and
    any extra fields (the access line's method, path, status, ms) — for a log collector."""
    loggers = {
        "django": {"handlers": ["console"], "propagate": False},  # at the root's level
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    }
    if sql:
        loggers["django.db.backends"] = {"handlers": ["console"], "level": "DEBUG", "propagate": False}
    handler = {"class": "logging.StreamHandler", "filters": ["scrub", "request_id"]}
    formatters = {}
    if json_format:
        formatters["json"] = {"()": "pythonjsonlogger.json.JsonFormatter",
                              "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                              "datefmt": "%Y-%m-%dT%H:%M:%S%z",
                              "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                              "json_ensure_ascii": False}
        handler["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"scrub": {"()": "cfcity.logscrub.ScrubFilter"},
                    "request_id": {"()": "cfcity.ops.requestid.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {"console": handler},
        "loggers": loggers,
        "root": {"handlers": ["console"], "level": level},
    }
