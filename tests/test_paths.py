"""Where the bundled gazetteer is found: a checkout, an installed wheel, or $GEOMAP_GAZETTEER."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap import paths


def test_a_checkout_uses_its_gazetteer_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GEOMAP_GAZETTEER", raising=False)
    (tmp_path / "gazetteer").mkdir()
    (tmp_path / "gazetteer" / "places.tsv").write_text("place_id\n", encoding="utf-8")
    monkeypatch.setattr(paths, "REPO_DIR", tmp_path)
    assert paths.gazetteer_dir() == tmp_path / "gazetteer"


def test_an_installed_wheel_uses_the_copy_inside_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # site-packages/ has no gazetteer/ beside geomap/: the wheel ships it as geomap/gazetteer_data
    monkeypatch.delenv("GEOMAP_GAZETTEER", raising=False)
    monkeypatch.setattr(paths, "REPO_DIR", tmp_path)
    assert paths.gazetteer_dir() == paths.PACKAGE_DIR / "gazetteer_data"


def test_the_environment_variable_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(tmp_path))
    assert paths.gazetteer_dir() == tmp_path
