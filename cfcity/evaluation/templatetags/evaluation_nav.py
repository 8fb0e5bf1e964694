from django import template

from cfcity.evaluation.services import can_view

register = template.Library()


@register.filter
def evaluation_nav(user) -> bool:
    """Show 第三方评估 in the header to the roles that may open it."""
    return bool(getattr(user, "is_authenticated", False)) and can_view(user)


@register.filter
def plain(value) -> str:
    """A Decimal without trailing zeros: 7.50 → 7.5, 10.00 → 10."""
    if value is None or value == "":
        return ""
    text = f"{value:f}" if hasattr(value, "normalize") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.inclusion_tag("evaluation/_task_panel.html")
def evaluation_beside(task, user):
    """On the monitoring task page: the newest evaluation verdict of ``task`` beside the
    engine's status for the round's year — for the roles that may see evaluations."""
    from cfcity.evaluation import services, summary
    if not getattr(user, "is_authenticated", False) or not services.can_view(user):
        return {"found": None}
    return {"found": summary.latest_for_task(task, services.rounds_for(user))}
