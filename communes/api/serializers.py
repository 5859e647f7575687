from rest_framework import serializers

from communes.models import Commune


class CommuneSerializer(serializers.ModelSerializer):
    agent_point_count = serializers.IntegerField(source="point_count", read_only=True)

    class Meta:
        model = Commune
        fields = [
            "code",
            "name",
            "name_en",
            "kind",
            "agency_code",
            "hq_address",
            "population",
            "area_km2",
            "agent_point_count",
        ]
        read_only_fields = fields
