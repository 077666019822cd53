"""The public API is documented as numpy docstrings: what each function takes and gives back.

A user reads ``help(geomap.load_events)``: every public function says what its
parameters are and what it returns (or yields), and every public class what
its attributes are.
"""

from __future__ import annotations

import inspect

import pytest

import geomap
import geomap.extract
import geomap.gazetteer
import geomap.render
import geomap.tables

MODULES = [geomap, geomap.extract, geomap.tables, geomap.gazetteer, geomap.render]


def _public() -> list[tuple[str, object]]:
    found = []
    for module in MODULES:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if callable(obj) and not (inspect.isclass(obj) and issubclass(obj, BaseException)):
                found.append((f"{module.__name__}.{name}", obj))
    return found


@pytest.mark.parametrize(("name", "obj"), _public(), ids=[name for name, _ in _public()])
def test_public_callables_have_numpy_docstrings(name: str, obj: object) -> None:
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    try:
        parameters = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
    except (TypeError, ValueError):
        parameters = []
    if inspect.isclass(obj):
        assert "Attributes" in doc or "Parameters" in doc or not parameters, f"{name}: no Attributes/Parameters section"
        return
    if parameters:
        assert "Parameters\n----------" in doc, f"{name}: no Parameters section"
    assert "Returns\n-------" in doc or "Yields\n------" in doc, f"{name}: no Returns/Yields section"
