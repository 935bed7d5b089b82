"""The donor catalogue of open funding needs: its selection (catalogue), web page (page), bulletin (bulletin),
workbook (workbook), introduction (intro) and result (result)."""
