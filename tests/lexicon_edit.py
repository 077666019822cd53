"""Editing a private copy of the lexicon (the ``lexicon_copy`` fixture of conftest.py) to break it on purpose."""

from __future__ import annotations

from pathlib import Path


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in the file; return the line it was on."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1
