from django.http import Http404
from django.shortcuts import render

from agent_points.selectors import directory_unit
from communes.filters import CommuneFilter
from communes.models import CommuneKind
from communes.selectors import directory_units


def directory(request):
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    filterset = CommuneFilter({"search": query, "kind": kind}, queryset=directory_units())
    units = list(filterset.qs)
    context = {
        "units": units,
        "query": query,
        "kind": kind if kind in CommuneKind.values else "",
        "kinds": CommuneKind.choices,
        "ward_count": sum(1 for u in units if u.kind == CommuneKind.WARD),
        "commune_count": sum(1 for u in units if u.kind == CommuneKind.COMMUNE),
        "point_count": sum(u.point_count for u in units),
    }
    return render(request, "directory/directory.html", context)


def unit_detail(request, code: str):
    unit = directory_unit(code)
    if unit is None:
        raise Http404
    return render(request, "directory/detail.html", {"unit": unit})
