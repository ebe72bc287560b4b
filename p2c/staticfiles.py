"""Static files with hashed, compressed names once `collectstatic` has run, plain names before.

Production (the Docker image, `collectstatic` once per release) gets WhiteNoise's manifest
storage: `vendor/plotly.min.<hash>.js` with `.gz` and `.br` copies, which WhiteNoise serves
with a year of caching since the name changes with the content. A checkout, `make demo` and
the tests have no manifest: Django's manifest storage would refuse every `{% static %}`
there, so until one exists names stay as they are and WhiteNoise serves them from `static/`
(settings: WHITENOISE_USE_FINDERS).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedWhenCollected(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """WhiteNoise's CompressedManifestStaticFilesStorage, with plain names while no manifest
    (`staticfiles.json`, written by `collectstatic`) exists."""

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        stored: str = super().stored_name(name)
        return stored
