"""The knowledge base: the paper as structured, cited facts in eight languages (see docs/CONTRACTS.md).

Configuration (read on the first `get_kb()` call, not at import):
    KB_DATA_DIR  folder with the KB's YAML files; default: the `data` folder beside this package.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from .base import KnowledgeBase
from .loader import load_kb
from .model import Item, KBError, Match, Paper

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

_lock = threading.Lock()
_cache: dict[str, KnowledgeBase] = {}


def data_dir() -> Path:
    """The data folder: $KB_DATA_DIR when set, else the package's own data."""
    return Path(os.environ.get("KB_DATA_DIR") or DEFAULT_DATA_DIR)


def get_kb() -> KnowledgeBase:
    """The knowledge base, loaded and validated once per data folder and then shared."""
    key = str(data_dir())
    with _lock:
        if key not in _cache:
            _cache[key] = load_kb(Path(key))
        return _cache[key]


from . import query  # noqa: E402  (query needs get_kb defined above)

__all__ = ["get_kb", "load_kb", "data_dir", "query", "KnowledgeBase", "KBError", "Item", "Match", "Paper"]
