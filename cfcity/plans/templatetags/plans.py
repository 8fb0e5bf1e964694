from django import template

from cfcity.plans import display

register = template.Library()

register.filter("target_text", display.target_text)
register.filter("target_body", display.target_body)
register.filter("entry_hint", display.entry_hint)
register.filter("entry_unit", display.entry_unit)
register.filter("kind_label", display.kind_label)
register.filter("baseline_text", display.baseline_text)
register.filter("date_text", display.date_text)


@register.simple_tag
def period_text(start, end):
    return display.period_text(start, end)
register.filter("cn", display.chinese_numeral)


@register.filter
def role(task_departments, which):
    """Names of a task's units in one role (“lead” or “cooperating”), in document order."""
    return [d.org_unit.name for d in task_departments if d.role == which]
