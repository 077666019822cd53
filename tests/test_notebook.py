"""The worked example notebook runs from top to bottom, so it never rots."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "aleppo_report.ipynb"


def read_notebook():  # -> nbformat.NotebookNode
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_committed_without_outputs() -> None:
    notebook = read_notebook()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "the notebook has no code cells"
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == "python3"


# jupyter_client finds free ports for the kernel's ZMQ channels with local
# TCP sockets; nothing else may connect anywhere.
@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_notebook_runs_and_writes_the_map_and_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbclient = pytest.importorskip("nbclient")
    notebook = read_notebook()
    monkeypatch.setenv("GEOMAP_OUTPUT", str(tmp_path))
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, if any cell fails

    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    # the map is shown inline as HTML, the PNG as an image
    assert any("leaflet" in out.get("data", {}).get("text/html", "").lower() for out in outputs)
    assert any("image/png" in out.get("data", {}) for out in outputs)
    assert (tmp_path / "aleppo-2016-05-03.html").stat().st_size > 10_000
    assert (tmp_path / "aleppo-2016-05-03.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "aleppo-events.csv").read_text(encoding="utf-8").startswith("event_id,")
    assert not list((NOTEBOOK.parent).glob("*.png"))  # nothing written beside the notebook
