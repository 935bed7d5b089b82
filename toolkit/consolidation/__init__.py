"""Consolidation: reading and classifying the submissions (consolidate), what was found (result), the
consolidated workbook (workbook, bulk_sheet), and the duplicate and change searches over its rows.

Tổng hợp: đọc và phân loại các tệp nộp, kết quả, bảng tổng hợp, tìm trùng lặp và thay đổi.
"""
