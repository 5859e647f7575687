from rest_framework import serializers

from agent_points.models import AgentPoint


class AgentPointSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AgentPoint
        fields = ["code", "name", "commune", "kind", "address", "former_unit", "active"]
        read_only_fields = fields
