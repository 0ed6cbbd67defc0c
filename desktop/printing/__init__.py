"""Cards and forms as PDFs (reportlab), with bundled fonts embedded as subsets. NO Qt.

Every document is drawn from plain dataclasses (``records``), so the CLI, the GUI and
the tests print exactly the same pages; the database is read only in ``records``.
"""
