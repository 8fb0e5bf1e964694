"""No ID number, phone number, password, token or TOTP secret reaches the logs — SQL logging
(django.db.backends at DEBUG) included (cfcity.logscrub)."""
import contextlib
import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfcity.logscrub import ID_MASK, PHONE_MASK, SECRET_MASK, ScrubFilter, logging_config, scrub

ID18 = "370321200501011234"
ID18X = "37032119881231002X"
ID15 = "370321880101123"
PHONE = "13812345678"
PASSWORD = "Hunter2-Very-Secret"


@contextlib.contextmanager
def configured(config):
    """``config`` applied for a while; then the loggers get their handlers back (handlers made
    now write to this test's captured stderr, which is closed after it)."""
    loggers = [logging.getLogger()] + [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled)
             for lg in loggers if isinstance(lg, logging.Logger)]
    logging.config.dictConfig(config)
    try:
        yield
    finally:
        for lg, handlers, level, propagate, disabled in saved:
            lg.handlers[:], lg.level, lg.propagate, lg.disabled = handlers, level, propagate, disabled


@pytest.fixture
def sql_logging():
    """The project's own logging set-up with CFCITY_LOG_SQL on; its console handler writes
    to a buffer instead of stderr, which the test reads."""
    config = logging_config("WARNING", sql=True)
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    with configured(config):
        connection.force_debug_cursor = True  # what DEBUG=true does for SQL logging
        try:
            yield buffer.getvalue
        finally:
            connection.force_debug_cursor = False


@pytest.mark.parametrize("text,gone", [
    (f"身份证号 {ID18} 已登记", ID18), (f"证件:{ID18X}", ID18X), (f"老证 {ID15}", ID15),
    (f"联系电话{PHONE}。", PHONE), ("手机 +86 138-1234-5678", "138-1234-5678"),
    (f"password={PASSWORD}&next=/", PASSWORD), (f'{{"new_password1": "{PASSWORD}"}}', PASSWORD),
    (f"密码：{PASSWORD}", PASSWORD), ("Authorization: Bearer cfc_abcdef0123456789", "abcdef0123456789"),
    ("token=cfc_abcdef0123456789", "abcdef0123456789"), ("api_key: k-123456789", "k-123456789"),
    ("argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA", "aGFzaA"),
    ('"GET /agenda/Xq3-f9ZkLmN0pQrStUv_wx.ics HTTP/1.1" 404', "Xq3-f9ZkLmN0pQrStUv_wx"),
])
def test_scrub_masks(text, gone):
    out = scrub(text)
    assert gone not in out
    assert ID_MASK in out or PHONE_MASK in out or SECRET_MASK in out


def test_scrub_leaves_ordinary_text_alone():
    for text in ("2025年托位数 4.5 个，目标 12345 人", "report 42 saved in 0.013 s",
                 "统一社会信用代码 11370321004282730B", "GET /reports/3/12/7/ 200"):
        assert scrub(text) == text


def test_args_and_dicts_are_masked_before_formatting():
    record = logging.LogRecord("cfcity", logging.WARNING, __file__, 1,
                               "用户 %s 电话 %s 参数 %s", ("zhang", PHONE, {"password": PASSWORD, "n": ID18}), None)
    ScrubFilter().filter(record)
    line = record.getMessage()
    assert PHONE not in line and PASSWORD not in line and ID18 not in line and "zhang" in line


@pytest.mark.django_db
def test_sql_log_at_debug_shows_no_id_number_password_or_totp_secret(sql_logging):
    user = User(username="mzj_tz", first_name=f"张三 {ID18}", last_name=f"电话{PHONE}")
    user.set_password(PASSWORD)
    user.save()
    User.objects.filter(first_name__contains=ID18).exists()  # the value as a query parameter
    device = TOTPDevice.objects.create(user=user, name="身份验证器")
    logging.getLogger("cfcity.accounts").warning("登录失败：%s password=%s", user.username, PASSWORD)
    out = sql_logging()

    assert "INSERT INTO" in out and "auth_user" in out  # SQL was logged
    assert "Logging error" not in out
    for secret in (ID18, PHONE, PASSWORD, device.key, user.password.split("$")[-1]):
        assert secret not in out, secret
    assert SECRET_MASK in out
    assert "登录失败：mzj_tz password=[已隐去]" in out


def test_every_configured_handler_has_the_filter():
    with configured(settings.LOGGING):
        loggers = [logging.getLogger()] + [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]
        handlers = {h for lg in loggers for h in getattr(lg, "handlers", [])}
    assert handlers, "no handler configured"
    unfiltered = [h for h in handlers if not isinstance(h, logging.NullHandler)  # writes nothing
                  and not any(isinstance(f, ScrubFilter) for f in h.filters)]
    assert not unfiltered, unfiltered
