"""The Excel adapters (book: the open workbook through xlwings; xlsm: the VBA project) and the builder of
workbooks/*.xlsm (build_workbooks)."""
