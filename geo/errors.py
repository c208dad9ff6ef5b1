"""One exception tree for newsmap; each error also inherits the builtin it resembles."""

from __future__ import annotations


class NewsMapError(Exception):
    """Root of every error newsmap raises on purpose."""


class InputError(NewsMapError, ValueError):
    """The input cannot be read: missing, not UTF-8, malformed JSON, empty where text is needed."""


class GazetteerError(NewsMapError, RuntimeError):
    """The gazetteer file is missing, corrupt or from an incompatible build."""


class GeocoderUnavailable(NewsMapError, ConnectionError):
    """An online geocoder was asked for but is not configured or not reachable."""


class MapError(NewsMapError, RuntimeError):
    """A map cannot be built or exported as asked (a missing local asset, no browser for a PNG)."""
