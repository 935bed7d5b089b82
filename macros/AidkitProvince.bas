Attribute VB_Name = "AidkitProvince"
' aidkit: the buttons of the provincial workbook (workbooks/aidkit-tinh.xlsm).
' Each Sub is one RunPython call into toolkit/macros.py; the Python side reads and
' writes the open workbook through xlwings. Captions live on the buttons, not here:
' this file must stay within code page 1252.
Option Explicit

Sub KiemTraDuLieu()
    RunPython "import toolkit.macros as m; m.validate()"
End Sub

Sub XoaDanhDau()
    RunPython "import toolkit.macros as m; m.clear_marks()"
End Sub

Sub XuatFileNop()
    RunPython "import toolkit.macros as m; m.export_submission()"
End Sub

Sub XuatDanhMucTaiTro()
    RunPython "import toolkit.macros as m; m.province_catalogue()"
End Sub

Sub TaoMauKySau()
    RunPython "import toolkit.macros as m; m.next_period()"
End Sub
