"""A map shown in a notebook says how much it adds to the notebook file."""

from __future__ import annotations

import re

import pytest
from test_map import tiny_gazetteer  # noqa: F401  the same autouse fixture: a small offline gazetteer

from geomap.render import build_map, synthetic_events


def test_notebook_display_states_its_size() -> None:
    shown = build_map(synthetic_events(9, seed=1), title="Nine events")._repr_html_()
    assert shown.startswith("<div") and "srcdoc=" in shown  # the self-contained page, in an iframe
    (stated,) = re.findall(r"adds ([\d.]+) MB to the notebook", shown)
    assert float(stated) * 1e6 == pytest.approx(len(shown.encode("utf-8")), abs=6_000)  # two decimals
    assert "every display of a map carries its own copy" in shown
