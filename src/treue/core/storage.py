"""Static files: WhiteNoise's compressed, hashed files, with each URL worked out once."""

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """`{% static %}` asks for the same few URLs on every page; finding the hashed name in the
    manifest (unquote, split, look up, join) took 2 % of the customer list page. The manifest
    is read once when the process starts and does not change while it runs, so neither does
    the URL of a name: each is remembered after the first time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
