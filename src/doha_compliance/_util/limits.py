"""Every bound the tool puts on its input, in one place (the README's *Events* section quotes them).

Each limit exists because something measured broke without it:
- a text field of 16 MiB segfaults durable_rules, so no field that can reach the engine is
  longer than `MAX_FIELD_CHARS` (rows with a longer one are rejected, naming the field);
- YAML and JSON files are parsed whole, so they are capped (`MAX_DOCUMENT_BYTES`, counting the
  bytes actually read: /dev/zero and pipes report a size of 0);
- JSONL lines and CSV rows are read one at a time, each at most `MAX_ROW_BYTES`;
- nesting is capped (`MAX_NESTING`): deep JSON made Python's decoder raise RecursionError;
- YAML aliases may add at most `MAX_ALIAS_GROWTH` nodes to a document (an 558-byte alias bomb
  otherwise expands for minutes), however many aliases it uses;
- dates live in `DATE_MIN`..`DATE_MAX` and windows and offsets are at most `MAX_WINDOW_DAYS` /
  `MAX_DUE_MONTHS`, so that any date plus or minus any window stays a real date
  (`within_days: 1000000` overflowed Python's date arithmetic);
- whole numbers are read only within ±`MAX_WHOLE` (2^53 - 1): every one of them is exact in
  both evaluators (durable_rules compares numbers as doubles);
- a stream read from stdin or a pipe is copied to a temporary file, at most `MAX_STREAM_BYTES`.
"""
from __future__ import annotations

import datetime as dt

MiB = 1024 * 1024

MAX_FIELD_CHARS = 1 * MiB          # characters in one text field (a list or mapping: all its text)
MAX_DOCUMENT_BYTES = 64 * MiB      # a YAML or JSON event file (parsed whole)
MAX_RULE_FILE_BYTES = 2 * MiB      # a rule or mapping file
MAX_ROW_BYTES = 16 * MiB           # one JSONL line, one CSV row
MAX_STREAM_BYTES = 4 * 1024 * MiB  # stdin or a pipe, spooled to a temporary file
MAX_NESTING = 64                   # lists and mappings inside one another
MAX_ALIAS_GROWTH = 1_000_000       # nodes YAML aliases may add to a document, expanded
MAX_INT_DIGITS = 4300              # Python's own limit on converting text to int
MAX_WHOLE = 2 ** 53 - 1            # the largest whole number read (exact as a double)
MAX_ZONE_FILE_BYTES = 8 * MiB      # one zone's GeoJSON file (issue 25)
MAX_ZONE_VERTICES = 200_000        # the points of one zone's geometry, all rings and parts
MAX_ZONES = 200                    # zones an agreement names
MAX_GAZETTEER_PLACES = 20_000      # places in an agreement's gazetteer
MAX_KM = 20_038                    # within_km: half the Earth's circumference, the farthest two points are

DATE_MIN = dt.date(1800, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
MAX_WINDOW_DAYS = 36_600           # within_days, lookback_days, due days: 100 years
MAX_DUE_MONTHS = 1_200             # due months: 100 years


def size_text(n: int) -> str:
    """1048576 -> '1 MiB', for messages."""
    for unit, size in (("GiB", 1024 * MiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


DATE_RANGE_TEXT = f"{DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"
