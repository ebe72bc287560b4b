"""The REST API's resources of the assessments app (docs/api.md): serializers, views, urls."""
