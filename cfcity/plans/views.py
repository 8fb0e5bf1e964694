from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from . import models, services


def index(request):
    """The first page: the plan itself when there is one, otherwise the list."""
    plans = list(models.Plan.objects.values_list("pk", flat=True)[:2])
    if len(plans) == 1:
        return plan_detail(request, plans[0])
    return plan_list(request)


def plan_list(request):
    plans = models.Plan.objects.select_related("area").annotate(
        n_domains=Count("domains", distinct=True), n_tasks=Count("tasks", distinct=True))
    return render(request, "plans/plan_list.html", {"plans": plans})


def plan_detail(request, pk):
    plan = get_object_or_404(services.plan_queryset(), pk=pk)
    show_warnings = request.user.is_authenticated and request.user.is_staff
    actions = [a for d in plan.domains.all() for a in d.actions.all()]
    tasks = [t for a in actions for t in a.tasks.all()]
    leads = {link.org_unit_id for t in tasks for link in t.departments.all() if link.role == "lead"}
    from cfcity.accounts import access
    from cfcity.accounts.roles import rules_for
    membership = access.membership(request.user)
    can_assign = request.user.is_superuser or (membership is not None and rules_for(membership.role).review)
    return render(request, "plans/plan_detail.html", {
        "plan": plan,
        "show_warnings": show_warnings,
        "can_assign": can_assign,
        "can_set_periods": access.can_review_plan(request.user, plan),
        "counts": {"domains": len(plan.domains.all()), "actions": len(actions), "tasks": len(tasks),
                   "targets": sum(len(t.targets.all()) for t in tasks), "departments": len(leads)},
    })


def plan_targets(request, pk):
    """Every target of the plan in one table: what a leader reads first."""
    plan = get_object_or_404(services.plan_queryset(), pk=pk)
    rows = [(task, target, [d.org_unit.name for d in task.departments.all() if d.role == "lead"])
            for d in plan.domains.all() for a in d.actions.all() for task in a.tasks.all()
            for target in task.targets.all()]
    return render(request, "plans/plan_targets.html", {"plan": plan, "rows": rows})
