"""The REST API's resources of the fleet app (docs/api.md): serializers, views, urls."""
