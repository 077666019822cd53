"""Where geomap finds its bundled data and keeps its caches."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def gazetteer_dir() -> Path:
    """Return the folder of the bundled gazetteer.

    ``$GEOMAP_GAZETTEER`` overrides the default: the ``gazetteer/`` folder
    beside the package in a source checkout or an editable install, else the
    copy a wheel installs inside the package (``geomap/gazetteer_data``).
    """
    override = os.environ.get("GEOMAP_GAZETTEER")
    if override:
        return Path(override)
    return bundled_gazetteer_dir()


def bundled_gazetteer_dir() -> Path:
    """Return the folder of the gazetteer geomap ships, whatever ``$GEOMAP_GAZETTEER`` says."""
    checkout = REPO_DIR / "gazetteer"
    return checkout if (checkout / "places.tsv").is_file() else PACKAGE_DIR / "gazetteer_data"


def cache_dir() -> Path:
    """Return the folder for derived indexes, created if it can be.

    ``$GEOMAP_CACHE`` overrides ``$XDG_CACHE_HOME/geomap`` (``~/.cache/geomap``).
    A folder that cannot be created or written (read-only, a full disk,
    under a file) is no error: the cache only saves time, and its readers
    and writers go without it.
    """
    override = os.environ.get("GEOMAP_CACHE")
    if override:
        path = Path(override)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        path = Path(base) / "geomap"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # reading and writing the cache will fail, and cost only speed
    return path


def examples_dir() -> Path:
    """Return the folder of the bundled example report(s)."""
    return PACKAGE_DIR / "examples"
