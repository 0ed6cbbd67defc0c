"""Excel/CSV rosters in and out: template, validated import, masked export. No Qt.

``reader`` turns a file into rows of cells (calamine for .xlsx, csv for .csv) and refuses
what is not a usable spreadsheet; ``headers`` finds the header row and maps columns to
member fields; ``cells`` normalises what clerks type; ``checking`` validates every row with
the member service's rules and sorts them into a ``preview``; ``importer`` commits a
preview in one transaction; ``error_report``, ``template`` and ``export`` write .xlsx.
"""
