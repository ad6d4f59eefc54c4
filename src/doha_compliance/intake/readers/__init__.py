"""Event files -> raw rows, each with the file:line it came from: one module per format.

Readers never judge content (that is `validate`) and never choose a format (that is `sources`);
they only split a file into rows and say exactly where each row starts. Line-based formats
(JSONL, CSV) are read lazily, one row at a time, and a bad line spoils only itself. Every read
is bounded by bytes actually read (`limits`), never by the size a file reports: /dev/zero and
pipes report 0.
"""
from .csv_events import MissingColumns, csv_header, read_csv
from .json_events import read_json, read_jsonl
from .rows import FORMATS, RawRow, read_data_file
from .yaml_events import read_yaml

__all__ = ["FORMATS", "MissingColumns", "RawRow", "csv_header", "read_csv", "read_data_file", "read_json", "read_jsonl",
           "read_yaml"]
