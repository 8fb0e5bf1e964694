"""居民身份证号码 validation (cfcity.welfare.idcard): valid numbers, a wrong check digit, an
impossible date, a wrong length, and 15-digit first-generation numbers."""
import datetime

import pytest

from cfcity.welfare import idcard

TODAY = datetime.date(2026, 6, 1)


def test_a_valid_number_is_read_with_birth_date_sex_and_region():
    n = idcard.parse("11010519491231002X", today=TODAY)  # the standard's own example
    assert (n.number, n.birth_date, n.sex, n.region, n.legacy) == (
        "11010519491231002X", datetime.date(1949, 12, 31), "F", "110105", False)


def test_spaces_and_a_lower_case_x_are_accepted():
    assert idcard.parse(" 110105 19491231 002x ", today=TODAY).number == "11010519491231002X"


def test_make_gives_numbers_that_parse_and_the_sequence_gives_the_sex():
    born = datetime.date(2016, 2, 29)
    boy, girl = idcard.make("370321", born, 123), idcard.make("370321", born, 124)
    assert idcard.parse(boy, today=TODAY, for_minor=True).sex == "M"
    assert idcard.parse(girl, today=TODAY, for_minor=True).sex == "F"
    assert idcard.parse(boy, today=TODAY).birth_date == born


def test_every_single_digit_change_is_caught_by_the_check_character():
    good = idcard.make("370321", datetime.date(2015, 3, 8), 123)
    for i in range(17):
        for d in "0123456789":
            if d == good[i]:
                continue
            bad = good[:i] + d + good[i + 1:]
            try:
                idcard.parse(bad, today=TODAY)
            except idcard.IdNumberError:
                continue
            raise AssertionError(f"{bad} accepted")


def test_a_wrong_check_digit_is_refused_with_its_reason():
    good = idcard.make("370321", datetime.date(2015, 3, 8), 123)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(idcard.IdNumberError, match="校验位"):
        idcard.parse(wrong, today=TODAY)


@pytest.mark.parametrize("date", ["20150230", "20151301", "20150000", "20230229"])
def test_an_impossible_birth_date_is_refused(date):
    first17 = f"370321{date}123"
    with pytest.raises(idcard.IdNumberError, match="不存在"):
        idcard.parse(first17 + idcard.check_char(first17), today=TODAY)


def test_a_birth_date_after_today_is_refused():
    with pytest.raises(idcard.IdNumberError, match="晚于今天"):
        idcard.parse(idcard.make("370321", datetime.date(2026, 7, 1), 1), today=TODAY)


@pytest.mark.parametrize("raw,message", [
    ("", "请填写"), ("37032120150308123", "18 位（现为 17 位）"), ("3703212015030812345", "现为 19 位"),
    ("37032120150308A23X", "前 17 位应为数字"), ("1234567890", "现为 10 位"),
])
def test_wrong_length_or_characters_are_refused(raw, message):
    with pytest.raises(idcard.IdNumberError, match=message):
        idcard.parse(raw, today=TODAY)


def test_an_unknown_province_code_is_refused():
    with pytest.raises(idcard.IdNumberError, match="省级"):
        idcard.parse(idcard.make("990321", datetime.date(2015, 3, 8), 1), today=TODAY)


def test_a_15_digit_number_is_converted_to_the_18_character_form():
    n = idcard.parse("370321800101123", today=TODAY)
    assert n.legacy and n.birth_date == datetime.date(1980, 1, 1) and n.sex == "M"
    assert n.number == "370321198001011237"  # check character worked by hand: 214 mod 11 = 5 → 7
    assert idcard.parse(n.number, today=TODAY).number == n.number  # the converted form is valid


def test_a_15_digit_number_is_refused_for_a_child_and_checked_for_its_date():
    with pytest.raises(idcard.IdNumberError, match="不可能属于未成年人"):
        idcard.parse("370321800101123", today=TODAY, for_minor=True)
    with pytest.raises(idcard.IdNumberError, match="不存在"):
        idcard.parse("370321800231123", today=TODAY)
    with pytest.raises(idcard.IdNumberError, match="全部为数字"):
        idcard.parse("37032180010112X", today=TODAY)


def test_age_counts_whole_years():
    born = datetime.date(2008, 6, 2)
    assert idcard.age_on(born, datetime.date(2026, 6, 1)) == 17
    assert idcard.age_on(born, datetime.date(2026, 6, 2)) == 18
