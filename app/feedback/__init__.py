"""Feedback analysis: KPIs, sentiment, themes, redaction and small-number suppression.

Pure functions over plain data (dataclasses, dicts and strings): nothing here reads a request
or opens a database session, so the same code feeds the officers' dashboard, the exports, the
printable co-production report, the command line and the benchmark.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
