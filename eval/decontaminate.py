"""Removes training examples (data/nlu, the KB's asks/) and dev-set questions that nearly copy the headline held-out set.

Run once when a new held-out set is frozen, before training on it:
    .venv/rasa/bin/python eval/decontaminate.py            # report and rewrite the files
    .venv/rasa/bin/python eval/decontaminate.py --dry-run  # only report
A held-out question is only a measurement if the model never saw it or a near-copy of it (normalized
similarity >= 0.8, questions.NEAR_DUPLICATE). Deleting the near-copies from the training side, rather
than dropping the held-out question, keeps the frozen set whole; it can only make the score harder.
Formulaic texts (greetings, one-word answers) are exempt, as in the scorer. Lines are deleted in place,
so comments and layout of the YAML files stay as they were.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from questions import (  # noqa: E402
    ASKS_DIR,
    DEV_DIRS,
    FROZEN_DIRS,
    HELDOUT_DIR,
    NLU_DIR,
    formulaic,
    load_conversations,
    load_heldout,
    near_copy,
    normalize,
)


def heldout_texts(directory: Path) -> list[str]:
    """Normalized non-formulaic texts of every question and typed conversation turn of the set."""
    texts = [q.text for q in load_heldout(directory)]
    texts += [t for c in load_conversations(directory) for t in c.texts]
    return sorted({normalize(t) for t in texts if not formulaic(t)})


def copying_lines(path: Path, heldout: list[str], marker: str) -> list[int]:
    """Line numbers (0-based) of list entries in `path` whose text nearly copies a held-out text."""
    hits = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        stripped = line.strip()
        if not stripped.startswith(marker):
            continue
        text = stripped[len(marker) :].strip()
        if text.startswith("text:"):  # a dev question: - text: ...
            text = text[len("text:") :].strip()
        elif text.startswith("{"):  # a one-line entry: - {text: "...", intent: ...}
            text = str((yaml.safe_load(text) or {}).get("text") or "")
        text = text.strip("'\"")
        if text and near_copy(text, heldout, exempt_formulaic=False):
            hits.append(n)
    return hits


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args(argv)
    heldout = heldout_texts(HELDOUT_DIR)
    targets = [(path, "- ") for path in sorted(NLU_DIR.rglob("*.yml"))]
    targets += [(path, "- ") for path in sorted(ASKS_DIR.glob("*.yml"))]
    # An earlier headline set stays as it was frozen (its history is the record); the scorer refuses the
    # new set's near-copies of it instead.
    targets += [(path, "- ") for d in DEV_DIRS if d not in FROZEN_DIRS for path in sorted(d.glob("??.yml"))]
    removed = 0
    for path, marker in targets:
        hits = copying_lines(path, heldout, marker)
        if not hits:
            continue
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for n in hits:
            print(f"{path.relative_to(NLU_DIR.parent.parent)}:{n + 1}: {lines[n].strip()}")
        if path.parent in DEV_DIRS:  # a dev question may span several lines: drop the whole entry
            hits = [m for n in hits for m in range(n, _entry_end(lines, n))]
        if not args.dry_run:
            path.write_text(
                "".join(line for m, line in enumerate(lines) if m not in set(hits)), encoding="utf-8"
            )
        removed += 1
    print(f"{'would change' if args.dry_run else 'changed'} {removed} files")
    return 0


def _entry_end(lines: list[str], start: int) -> int:
    """The line after the YAML list entry that starts at `start` (next entry or end of the list)."""
    indent = len(lines[start]) - len(lines[start].lstrip())
    n = start + 1
    while n < len(lines) and (len(lines[n]) - len(lines[n].lstrip()) > indent or not lines[n].strip()):
        n += 1
    return n


if __name__ == "__main__":
    sys.exit(main())
