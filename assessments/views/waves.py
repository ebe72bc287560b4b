"""Migration waves: named sets of hosts with a target date, their host and verdict counts.

The counts come from one aggregate query over the waves, whatever the number of hosts.
Viewers see the list; operators create and delete waves (deleting one, after a confirm
page that says how many hosts are in it, leaves its hosts without a wave).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments.forms import WaveForm
from assessments.pages.queries import VERDICT_ORDER, waves_with_counts
from fleet.choices import Verdict
from fleet.lib.roles import OPERATOR, VIEWER, has_role, refusal, role_required
from fleet.models import Host, Wave


@role_required(VIEWER)
def wave_list(request: HttpRequest) -> HttpResponse:
    form = WaveForm()
    if request.method == "POST":
        if not has_role(request.user, OPERATOR):
            raise PermissionDenied(refusal(request.user, OPERATOR))
        form = WaveForm(request.POST)
        if form.is_valid():
            wave = form.save()
            messages.success(request, f"Wave {wave} created.")
            return redirect("wave-list")
    waves = waves_with_counts().order_by("target_date", "name")
    rows = [
        {
            "wave": wave,
            "verdicts": [(Verdict(v), getattr(wave, f"v_{v}")) for v in VERDICT_ORDER],
        }
        for wave in waves
    ]
    context = {
        "rows": rows,
        "form": form,
        "unassigned": Host.objects.filter(wave__isnull=True).count(),
    }
    return render(request, "assessments/wave_list.html", context)


@role_required(OPERATOR)
def wave_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET, or a POST without `confirm=1`: the confirm page, naming how many hosts are in
    the wave; POST with `confirm=1`: delete it (its hosts are then in no wave)."""
    wave = get_object_or_404(Wave, pk=pk)
    members = wave.hosts.count()
    if request.method == "POST" and request.POST.get("confirm") == "1":
        name = str(wave)
        wave.delete()
        messages.success(
            request,
            f"Wave {name} deleted; {members} host{'' if members == 1 else 's'} "
            f"{'is' if members == 1 else 'are'} now in no wave.",
        )
        return redirect("wave-list")
    return render(request, "assessments/wave_delete.html", {"wave": wave, "members": members})
