"""``cfcity demo`` leaves one evaluation round, scored by the demo evaluator ``pinggu`` through
the same services (audited), with at least one task where the evaluator and the engine
disagree, and the summary builds and exports."""
import io

from openpyxl import load_workbook

from cfcity.audit.models import AuditEntry
from cfcity.evaluation import exports, summary
from cfcity.evaluation.models import Round, Score


def check_demo(out, plan):
    r = Round.objects.get()
    assert r.year == 2024 and not r.closed and r.created_by.username == "fegw_xt"
    assert r.items.count() == 5
    scorers = set(Score.objects.values_list("scored_by__username", flat=True))
    assert scorers == {"pinggu"}
    assert AuditEntry.objects.filter(action="evaluation.score.set").count() == Score.objects.count() > 20
    s = summary.build(r)
    assert 10 <= s.overall.scored < s.overall.total
    assert s.disagreements, [(t.task.number, t.verdict, t.engine_status) for t in s.tasks if t.score]
    wb = load_workbook(io.BytesIO(exports.xlsx_bytes(s)))
    assert sum(1 for row in wb["任务得分"].iter_rows(min_row=2, values_only=True) if row[8]) == len(s.disagreements)
