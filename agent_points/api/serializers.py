from rest_framework import serializers

from agent_points.models import AgentPoint


class AgentPointSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AgentPoint
        fields = ["code", "name", "commune", "kind", "address", "former_unit", "active"]
        read_only_fields = fields


class OnlineAssistanceSerializer(serializers.Serializer):
    """A day's count of citizens the agent point helped to file online."""

    agent_point = serializers.CharField(source="agent_point.code", read_only=True)
    day = serializers.DateField()
    count = serializers.IntegerField(min_value=0, max_value=5000)
