"""A static HTML report over the extract tables (issue 5).

``build_report(out_dir)`` reads ``out_dir/*.csv`` and the document texts they
point to, and writes ``out_dir/report/``: a corpus page with charts and one page
per document with its actors, demands and recommendations highlighted.
"""

from pipeline.report.build import build_report
from pipeline.report.tables import ReportError

__all__ = ["ReportError", "build_report"]
