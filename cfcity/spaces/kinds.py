"""The kinds of child-friendly space the reference plan names (tasks 24–30) and a few items of
the standard each is built to. Seeded by migrations 0002 and 0003; another county may edit
them in the admin (the words bind its plan's targets, ``measures.measure_for``)."""

# code, name, target words, in the 15-minute life circle
KINDS = [
    ("street", "儿童友好街区", "街区", False),
    # task (25)'s coverage of communities is measured by the life circle (cfcity.lifecircle)
    ("community", "儿童友好社区", "", True),
    ("school", "儿童友好学校", "学校、幼儿园", False),
    ("hospital", "儿童友好医院", "医院", False),
    ("route", "儿童友好出行道路", "出行道路、出行、上学路", False),
    ("park", "儿童友好公园（口袋公园）", "公园、口袋公园", True),
    ("reading", "儿童友好阅读空间", "阅读空间", True),
    ("sports", "多功能运动场地", "运动场地、运动场", True),
]

COMMON = ["安全防护设施完好，无尖锐、易夹伤等安全隐患", "设置儿童尺度的适儿化设施", "无障碍设施满足残疾儿童使用",
          "儿童参与了设计或改造方案的讨论", "设置清晰的儿童友好标识和安全提示"]
CHECKLISTS = {
    "street": COMMON + ["人行道连续、宽度满足亲子同行", "设置儿童活动、休憩节点"],
    "community": COMMON + ["设有儿童之家等室内活动场所", "设有户外儿童游戏场地"],
    "school": COMMON + ["校园周边设置护学岗和交通安全设施", "设置心理辅导室"],
    "hospital": COMMON + ["设置儿童友好诊区和母婴室", "提供适儿化就诊指引"],
    "route": ["学校周边设置安全过街设施", "设置连续的人行道和慢行空间", "设置减速、限速和警示标志",
              "沿线设置儿童友好标识", "儿童参与了线路的踏勘或设计"],
    "park": COMMON + ["设置分龄的儿童游戏设施", "地面采用安全缓冲材料"],
    "reading": COMMON + ["配备适合不同年龄段儿童的图书", "设置亲子阅读区"],
    "sports": COMMON + ["场地地面防滑、平整", "向周边儿童免费或低收费开放"],
}


def seed_kinds(SpaceKind):
    for order, (code, name, words, life) in enumerate(KINDS, start=1):
        SpaceKind.objects.update_or_create(code=code, defaults={
            "name": name, "target_words": words, "in_life_circle": life, "order": order * 10})


def seed_checklists(SpaceKind, ChecklistItem):
    for kind in SpaceKind.objects.all():
        if ChecklistItem.objects.filter(kind=kind).exists():
            continue
        for order, text in enumerate(CHECKLISTS.get(kind.code, COMMON), start=1):
            ChecklistItem.objects.create(kind=kind, text=text, order=order * 10)
