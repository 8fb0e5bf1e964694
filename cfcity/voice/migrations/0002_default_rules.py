"""The default danger words (cfcity.voice.danger.DEFAULTS), shared by every area; the
coordinator edits or switches them off at /voice/rules/."""
from django.db import migrations

WORDS = {
    "abuse": ["打我", "被打", "虐待", "不让我吃饭", "不给我饭吃", "摸我", "性侵", "脱我衣服", "关起来",
              "用烟烫", "不让我上学", "不让我回家", "没人管我", "被拐", "强迫我"],
    "self_harm": ["自杀", "不想活", "想死", "割腕", "跳楼", "伤害自己", "活着没意思", "结束生命", "吃药死",
                  "消失算了"],
    "violence": ["欺负我", "霸凌", "勒索", "威胁我", "打架", "拿刀", "要钱不给就打", "围殴", "扇我", "踢我"],
    "other": ["离家出走", "陌生人跟着", "跟踪我", "救救我", "救命"],
}


def seed(apps, schema_editor):
    DangerRule = apps.get_model("voice", "DangerRule")
    for category, words in WORDS.items():
        if not DangerRule.objects.filter(area__isnull=True, category=category).exists():
            DangerRule.objects.create(category=category, words="\n".join(words), active=True)


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
