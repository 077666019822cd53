"""geomap: offline geoparsing of conflict reporting into events and maps.

The public API is re-exported here lazily, so ``import geomap`` stays cheap
and each stage loads only when it is first used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "GeomapError": "geomap.errors",
    "Gazetteer": "geomap.gazetteer",
    "LocalGazetteer": "geomap.gazetteer",
    "Place": "geomap.gazetteer",
    "ResolveContext": "geomap.gazetteer",
    "extract_events": "geomap.extract",
    "extract_mentions": "geomap.extract",
    "read_events": "geomap.tables",
    "load_events": "geomap.tables",
    "validate_events": "geomap.tables",
    "write_events": "geomap.tables",
    "read_user_places": "geomap.tables",
    "iter_documents": "geomap.documents",
    "run_corpus": "geomap.run.corpus",
    "build_map": "geomap.render",
    "save_map": "geomap.render",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geomap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
