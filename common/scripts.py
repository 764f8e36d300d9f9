"""The Unicode ranges of the scripts the eight languages are written in, defined once for every part
that tells scripts apart: the NLU tokenizer, language detection, the KB's search, form-answer parsing
and eval's check of a reply's language. Each is a range for a regex character class.
"""

from __future__ import annotations

import re

HANGUL_SYLLABLES = r"\uac00-\ud7af"
HANGUL = HANGUL_SYLLABLES + r"\u1100-\u11ff\u3130-\u318f"  # + jamo and compatibility jamo
KANA = r"\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # hiragana, katakana (+ phonetic extensions, half-width)
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs: extension A, unified, compatibility
CYRILLIC = r"\u0400-\u04ff"
CJK = HAN + KANA + HANGUL


def chars(*ranges: str) -> re.Pattern[str]:
    """A pattern that matches one character of any of the ranges."""
    return re.compile(f"[{''.join(ranges)}]")
