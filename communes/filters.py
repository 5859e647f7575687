import django_filters
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, CommuneKind
from core.text import words_q


class CommuneFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CommuneKind.choices, label=_("Kind"))
    search = django_filters.CharFilter(method="filter_search", label=_("Name"))

    class Meta:
        model = Commune
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(words_q("name_folded", value))
