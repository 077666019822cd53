"""Event tables in and out: read (CSV, ACLED exports, GeoJSON, GeoParquet), check, write.

Readers: our CSV and ACLED CSV exports (any column order, ACLED date formats),
GeoJSON (RFC 7946), GeoParquet, ``-`` for CSV on stdin. Writers: CSV, GeoJSON,
GeoParquet, ``-`` for CSV on stdout; all written atomically.
"""

from geomap.tables.places import read_user_places
from geomap.tables.read import load_events, load_table, read_events, validate_events
from geomap.tables.validate import Problem, ReadReport
from geomap.tables.write import write_built_table, write_events

__all__ = [
           "Problem",
           "ReadReport",
           "load_events",
           "load_table",
           "read_events",
           "read_user_places",
           "validate_events",
           "write_built_table",
           "write_events",
]
