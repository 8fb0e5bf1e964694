"""Counts for those who may not see records (cfcity.welfare.stats): small cells suppressed,
then complementary cells so none can be worked out from the totals; only records with
consent to statistical use are counted."""
import datetime

import pytest
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.welfare import services, stats

from .factory import child, person


def test_primary_and_complementary_suppression_on_a_hand_made_table():
    table = [[0, 3, 8],
             [6, 7, 9]]
    # 3 is small; row 1 would give it away (11 − 8), so 8 goes; then columns 2 and 3 each have
    # one hidden cell, so their next smallest (7, 9) go too; the zero and the 6 stay
    assert stats.suppress(table, below=5) == [[0, None, None],
                                              [6, None, None]]


def test_nothing_small_nothing_hidden_and_zero_is_shown():
    assert stats.suppress([[0, 5, 12], [7, 0, 30]], below=5) == [[0, 5, 12], [7, 0, 30]]


def test_a_line_whose_other_cells_are_zero_needs_no_partner():
    assert stats.suppress([[4, 0], [0, 0]], below=5) == [[None, 0], [0, 0]]


def test_a_complementary_cell_alone_among_zeros_takes_a_zero_with_it():
    # without the zeros, column 1's total (6) would give the 6 away, and row 1's total the 2
    out = stats.suppress([[6, 2], [0, 0]], below=5)
    assert out == [[None, None], [None, None]]
    assert stats.suppress([[6, 2, 0], [0, 0, 7]], below=5)[1][0] is None


def test_a_two_by_two_with_one_small_cell_is_wholly_hidden():
    assert stats.suppress([[2, 7], [9, 11]], below=5) == [[None, None], [None, None]]


def test_fmt_and_empty():
    assert stats.suppress([], below=5) == []
    assert stats.fmt(None) == "<5" and stats.fmt(0) == "0"


@hsettings(max_examples=300, deadline=None)
@given(st.integers(2, 5).flatmap(lambda cols: st.lists(  # a line of one cell is its own total:
    st.lists(st.integers(0, 40), min_size=cols, max_size=cols), min_size=2, max_size=6)))  # not a table
def test_no_hidden_cell_can_be_worked_out_from_a_line_total(table):
    out = stats.suppress(table, below=5)
    rows, cols = len(table), len(table[0])
    for r in range(rows):
        for c in range(cols):
            v = table[r][c]
            if 0 < v < 5:
                assert out[r][c] is None
            elif out[r][c] is not None:
                assert out[r][c] == v
    lines = [[(r, c) for c in range(cols)] for r in range(rows)] + [[(r, c) for r in range(rows)] for c in range(cols)]
    for line in lines:
        hidden = [(r, c) for r, c in line if out[r][c] is None]
        if len(hidden) == 1:  # only where the line's total is itself suppressed (1 … 4)
            assert 0 < sum(table[r][c] for r, c in line) < 5, (line, out)


@pytest.mark.django_db
def test_the_town_table_counts_children_with_consent_only(world, settings):
    county, t1, t2 = world["county"], world["town"], world["town2"]
    v2 = OrgUnit.objects.create(name="北村", kind=OrgUnit.Kind.VILLAGE, parent=t2)
    officer = person(world["office"], "mz_tz", Role.WELFARE_OFFICER)
    for i in range(6):
        child(officer, t1, world["village"], name=f"张{i}明", categories=["orphan"] + (["disabled"] if i < 2 else []))
    child(officer, t1, world["village"], name="孙不计", categories=["orphan"], stats=False)
    gone = child(officer, t1, world["village"], name="周已销", categories=["orphan"])
    services.close_child(officer, gone, reason="年满 18 周岁", on=datetime.date(2025, 1, 1))
    child(officer, t2, v2, name="李一", categories=["left_behind"])
    child(officer, t2, v2, name="李二", categories=["left_behind"])

    settings.WELFARE = {**settings.WELFARE, "suppress_below": 1}  # nothing hidden: the raw counts
    raw = stats.by_town_and_category(county)
    col = {label: i for i, label in enumerate(raw.columns)}
    rows = {town.name: (cells, total) for town, cells, total in raw.rows}
    assert rows["果里镇"][0][col["孤儿"]] == 6 and rows["果里镇"][0][col["残疾儿童"]] == 2
    assert rows["果里镇"][1] == 6  # a child in two categories is one child; 孙不计 and 周已销 are not counted
    assert rows["索镇"][0][col["农村留守儿童"]] == 2 and raw.total == 8
    assert raw.totals[col["孤儿"]] == 6

    settings.WELFARE = {**settings.WELFARE, "suppress_below": 5}
    shown = stats.by_town_and_category(county)
    rows = {town.name: (cells, total) for town, cells, total in shown.rows}
    assert rows["索镇"][0][col["农村留守儿童"]] is None and rows["索镇"][1] is None  # 2 → “<5”
    assert rows["果里镇"][0][col["残疾儿童"]] is None
    assert rows["果里镇"][0][col["孤儿"]] is None  # hidden as well: 果里镇's total 6 would give 残疾 away
    assert rows["果里镇"][1] == 6 and shown.total == 8
    assert all(v in (0, None) or v >= 5 for cells, _ in rows.values() for v in cells)
