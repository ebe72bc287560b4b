"""Scheduled scans: list, create, edit, with the next run computed from the cron expression."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments.forms import ScheduleForm, SelectionForm
from assessments.models import ScanSchedule
from assessments.scanning.schedules import next_run
from fleet.lib.roles import OPERATOR, VIEWER, role_required


@role_required(VIEWER)
def schedule_list(request: HttpRequest) -> HttpResponse:
    schedules = list(ScanSchedule.objects.all())
    rows = [(s, next_run(s) if s.enabled else None) for s in schedules]
    return render(request, "assessments/schedule_list.html", {"rows": rows})


@role_required(OPERATOR)
def schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a schedule; operators may do both."""
    schedule = get_object_or_404(ScanSchedule, pk=pk) if pk else None
    form = ScheduleForm(request.POST or None, instance=schedule)
    # A new schedule covers nothing until the operator chooses: never all hosts by accident.
    initial = SelectionForm.initial_from(schedule.selection) if schedule else {}
    selection = SelectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and selection.is_valid():
        saved = form.save_with(selection.selection(), request.user)
        messages.success(request, f"Schedule {saved.name} saved.")
        return redirect("schedule-list")
    context = {"form": form, "selection": selection, "schedule": schedule}
    return render(request, "assessments/schedule_form.html", context)
