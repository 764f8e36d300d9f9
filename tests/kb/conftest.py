"""Fixtures for the knowledge-base tests: the real KB, and writable copies of its data to break."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from actions.kb import DEFAULT_DATA_DIR, KnowledgeBase, get_kb

# The paper the KB is written from, in the shared folder beside the repository (../shared), as on the
# developers' machines and CI. Not part of the repository.
PAPER = Path(__file__).resolve().parents[2].parent / "shared" / "paper" / "000_02838f157797255e.txt"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded once for the whole session."""
    return get_kb()


@pytest.fixture(scope="session")
def paper() -> str:
    """The paper's text; the tests that compare the KB with it skip, saying why, where ../shared is absent
    (a clone on its own): the rest of the KB tests need no paper."""
    if not PAPER.is_file():
        pytest.skip(
            f"the paper is not at {PAPER} (../shared/paper beside the repository): nothing to compare the KB with"
        )
    return PAPER.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def source(paper: str) -> str:
    """The paper's text with every run of whitespace as one space, so a phrase matches across line breaks."""
    return " ".join(paper.split())


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the KB data that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


@pytest.fixture
def edit_yaml() -> Callable[[Path, Callable[[Any], None]], None]:
    """Load a YAML file, let the test change it, write it back."""

    def edit(path: Path, change: Callable[[Any], None]) -> None:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(document)
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")

    return edit
