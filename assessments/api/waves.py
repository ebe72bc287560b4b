"""`/api/v1/waves/`: migration waves with their host count and hosts per verdict. Viewers
read; operators create, edit and delete through the page's form (deleting a wave leaves its
hosts in no wave)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.forms import body, check, current_values
from assessments.forms import WaveForm
from assessments.pages.queries import VERDICT_ORDER, waves_with_counts
from fleet.models import Wave
from p2c.api.etag import ETagMixin
from p2c.api.fields import IdentityUrl
from p2c.api.pagination import cursor_by


class WaveSerializer(serializers.ModelSerializer[Wave]):
    """A wave, how many hosts it holds and their verdicts (every verdict, zeros included)."""

    url = IdentityUrl(view_name="api:wave-detail")
    host_count = serializers.IntegerField(read_only=True)
    verdicts = serializers.SerializerMethodField()

    class Meta:
        model = Wave
        fields = ["id", "url", "name", "target_date", "description", "host_count", "verdicts"]
        read_only_fields = ["host_count"]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_verdicts(self, wave: Wave) -> dict[str, int]:
        return {str(v): getattr(wave, f"v_{v}") for v in VERDICT_ORDER}


class WaveViewSet(ETagMixin, viewsets.ModelViewSet[Wave]):
    """Waves: viewers read; operators create, edit and delete (the pages' roles)."""

    serializer_class = WaveSerializer
    pagination_class = cursor_by("name", "pk")
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Wave]:
        return waves_with_counts()

    def _saved(self, form: WaveForm, created: bool) -> Response:
        check(form)
        wave = self.get_queryset().get(pk=form.save().pk)
        data = self.get_serializer(wave).data
        if not created:
            return Response(data)
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._saved(WaveForm(body(request.data)), created=True)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        wave = self.get_object()
        base = current_values(WaveForm(instance=wave)) if kwargs.get("partial") else {}
        return self._saved(WaveForm(body(request.data, base), instance=wave), created=False)
