"""Personal details out of real-looking children's sentences."""
import pytest

from cfcity.voice.scrub import scrub, scrub_text

CASES = [
    # phone numbers: plain, split by spaces and dashes, full-width, with +86
    ("我的电话是13812345678，有事找我", "我的电话是〔电话〕，有事找我"),
    ("打138 1234 5678找我妈妈", "打〔电话〕找我妈妈"),
    ("手机：139-0000-1111", "手机：〔电话〕"),
    ("电话１５９１２３４５６７８", "电话〔电话〕"),
    ("1 3 8 1 2 3 4 5 6 7 8 打给我", "〔电话〕 打给我"),
    ("+86 13812345678", "+86 〔电话〕"),
    ("家里座机0533-8123456", "家里座机〔电话〕"),
    ("家里电话是 8765 4321", "家里电话是 〔电话〕"),
    # ID numbers, with X
    ("我的身份证号是11010519491231002X", "我的身份证号是〔身份证号〕"),
    ("身份证 370321 20150504 4217", "身份证 〔身份证号〕"),
    ("老身份证号370321150504421", "老身份证号〔身份证号〕"),
    # e-mail, QQ, 微信
    ("我的邮箱是xiaoming2014@qq.com", "我的邮箱是〔邮箱〕"),
    ("加我QQ：12345678一起玩", "加我QQ：〔QQ/微信〕一起玩"),
    ("ＱＱ号 ８８６６５５４４", "ＱＱ号 〔QQ/微信〕"),
    ("我微信号是 xiaoming_2014", "我微信号是 〔QQ/微信〕"),
    # addresses
    ("我住在幸福小区3号楼2单元501室", "我住在〔地址〕"),
    ("我家在人民路18号", "我家在〔地址〕"),
    ("李家村3组的路灯坏了", "〔地址〕的路灯坏了"),
    ("我家在红星村五组", "我家在〔地址〕"),
    ("我住5栋2单元302", "我住〔地址〕"),
    # names
    ("我叫王小明，今年10岁", "我叫〔姓名〕，今年10岁"),
    ("我的名字是李红，三年级", "我的名字是〔姓名〕，三年级"),
    ("我是欧阳娜娜", "我是〔姓名〕"),
    ("妈妈叫张丽丽，爸爸叫刘强", "妈妈叫〔姓名〕，爸爸叫〔姓名〕"),
    ("同学张伟老是欺负我", "同学〔姓名〕老是欺负我"),
    ("王小明同学把我的书撕了", "〔姓名〕同学把我的书撕了"),
    ("赵刚老师对我们很好", "〔姓名〕老师对我们很好"),
    ("楼下的陈建国叔叔", "楼下的〔姓名〕叔叔"),
]

UNCHANGED = [
    "学校门口的马路车太多了，希望有红绿灯",
    "我是三年级的学生，我10岁，2024年开始上学",
    "数学老师很好，语文老师也很好",
    "高年级同学抢我们的篮球场",
    "新同学来了，我们一起玩",
    "张老师说要多锻炼",  # a surname and a title only: nobody in particular
    "人民路上车太多，过马路很危险",
    "公园里有3个滑梯和12个秋千",
    "希望每天有1小时体育课",
    "",
]


@pytest.mark.parametrize("text,expected", CASES)
def test_personal_details_replaced(text, expected):
    assert scrub_text(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_ordinary_sentences_unchanged(text):
    assert scrub_text(text) == text
    assert not scrub(text).changed


def test_summary_says_what_not_which():
    s = scrub("我叫王小明，电话13812345678，住在幸福小区3号楼2单元501室")
    assert s.found == {"〔地址〕": 1, "〔电话〕": 1, "〔姓名〕": 1}
    assert "王小明" not in s.summary() and "138" not in s.summary()


def test_full_width_punctuation_kept_and_scrub_idempotent():
    once = scrub_text("我叫王小明，电话１３８１２３４５６７８！")
    assert once == "我叫〔姓名〕，电话〔电话〕！"
    assert scrub_text(once) == once


def test_hostile_input_is_fast_and_safe():
    import time
    t = time.perf_counter()
    for text in ["1" * 5000, "路" * 5000 + "1号", "我叫" * 2000, "a@" * 3000, "\x00\u202e\ufeff" * 100,
                 "〔电话〕" * 500, "王" * 5000 + "同学"]:
        assert isinstance(scrub_text(text), str)
    assert time.perf_counter() - t < 3


@pytest.mark.parametrize("text,expected", [
    ("同学张伟打我", "同学〔姓名〕打我"),  # the verb stays: the coordinator still reads what happened
    ("同学刘洋骂我", "同学〔姓名〕骂我"),
    ("我是班长", "我是班长"),  # 我是 + a surname that is mostly an ordinary word: not a name
    ("我是单亲家庭的孩子", "我是单亲家庭的孩子"),
    ("我是留守儿童", "我是留守儿童"),
    ("同学和我一起玩", "同学和我一起玩"),
    ("老师叫我们排队", "老师叫我们排队"),
])
def test_names_without_eating_the_sentence(text, expected):
    assert scrub_text(text) == expected
