@echo off
rem aidkit @VERSION@ cho Python @PYTHON@: cai dat khong can quyen quan tri / installs without admin rights.
rem Tao moi truong Python rieng trong %LOCALAPPDATA%\aidkit\venv, cai tu cac tep trong bo cai
rem (khong can Internet), dat lenh aidkit vao PATH cua ban, roi chep hai tep Excel vao
rem thu muc Documents that (ke ca khi OneDrive sao luu Documents).
rem Creates a private Python environment in %LOCALAPPDATA%\aidkit\venv, installs from the files
rem of this bundle only (no internet), puts the aidkit command on your PATH, then copies the two
rem workbooks to your real Documents folder (OneDrive backup and folder redirection included).
rem Every path is echoed in quotes: a profile folder may hold "&" or ")".
setlocal EnableExtensions
chcp 65001 >nul
set "HERE=%~dp0"
set "WHEELS=%HERE%wheels"
set "WORKBOOKS=%HERE%workbooks"
set "VENV=%LOCALAPPDATA%\aidkit\venv"
set "LAUNCHER_DIR=%LOCALAPPDATA%\Microsoft\WindowsApps"
set "MYDOCS="
for /f "usebackq delims=" %%D in (`powershell -NoProfile -NonInteractive -Command "[Console]::OutputEncoding = [Text.Encoding]::UTF8; [Environment]::GetFolderPath('MyDocuments')"`) do set "MYDOCS=%%D"
if not defined MYDOCS set "MYDOCS=%USERPROFILE%\Documents"
set "DOCS=%MYDOCS%\aidkit\@VERSION@"

echo ==== aidkit @VERSION@ (Python @PYTHON@) ====
echo Đang cài đặt aidkit cho tài khoản "%USERNAME%", không cần quyền quản trị.
echo Installing aidkit for the account "%USERNAME%", no admin rights needed.
echo.

if not exist "%WHEELS%\aidkit_lhh-@VERSION@-py3-none-any.whl" goto :no_bundle

rem 1. Python @PYTHON@: the py launcher (classic installer and Python install manager), python@PYTHON@, python.
set "PY="
py -@PYTHON@ -c "pass" >nul 2>&1 && set "PY=py -@PYTHON@"
if not defined PY python@PYTHON@ -c "pass" >nul 2>&1 && set "PY=python@PYTHON@"
if not defined PY python -c "import sys; sys.exit(0 if sys.version_info[:2] == tuple(map(int, '@PYTHON@'.split('.'))) else 1)" >nul 2>&1 && set "PY=python"
if not defined PY goto :no_python
echo [1/5] Python: %PY%

rem 2. The private environment: kept on upgrade, made anew when its Python was removed or is another version.
if not exist "%VENV%\Scripts\python.exe" goto :make_venv
"%VENV%\Scripts\python.exe" -c "import sys; sys.exit(0 if sys.version_info[:2] == tuple(map(int, '@PYTHON@'.split('.'))) else 1)" >nul 2>&1
if not errorlevel 1 goto :have_venv
echo Môi trường cũ không chạy được với Python @PYTHON@ (Python gốc đã gỡ hoặc khác phiên bản): tạo lại.
echo The old environment does not run with Python @PYTHON@ (its Python was removed or differs): making it anew.
rmdir /s /q "%VENV%"
:make_venv
%PY% -m venv "%VENV%"
if errorlevel 1 goto :venv_failed
:have_venv
echo [2/5] Môi trường / Environment: "%VENV%"

rem 3. aidkit and its dependencies, from this bundle only.
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%WHEELS%" --upgrade --upgrade-strategy eager --disable-pip-version-check -q aidkit-lhh
if errorlevel 1 goto :pip_failed
"%VENV%\Scripts\python.exe" -c "import toolkit.macros" >nul 2>&1
if errorlevel 1 goto :pip_failed
echo [3/5] Đã cài aidkit @VERSION@ / aidkit @VERSION@ installed: "%VENV%\Scripts\aidkit.exe"

rem 4. The aidkit command on your PATH: a launcher in WindowsApps, which Windows puts on every user's PATH.
if not exist "%LAUNCHER_DIR%\" mkdir "%LAUNCHER_DIR%"
> "%LAUNCHER_DIR%\aidkit.cmd" echo @"%VENV%\Scripts\aidkit.exe" %%*
if errorlevel 1 goto :no_launcher
echo [4/5] Lệnh / command: aidkit ("%LAUNCHER_DIR%\aidkit.cmd")
goto :workbooks
:no_launcher
echo [4/5] Không đặt được lệnh aidkit vào PATH; dùng đường dẫn đầy đủ: "%VENV%\Scripts\aidkit.exe"
echo       Could not put aidkit on PATH; use the full path: "%VENV%\Scripts\aidkit.exe"

rem 5. The workbooks: never replace a file that is already there (it may hold your data).
:workbooks
if not exist "%DOCS%" mkdir "%DOCS%"
for %%F in ("%WORKBOOKS%\aidkit-tinh.xlsm" "%WORKBOOKS%\aidkit-cum.xlsm") do if not exist "%DOCS%\%%~nxF" copy "%%~F" "%DOCS%\" >nul
powershell -NoProfile -NonInteractive -Command "Get-ChildItem -LiteralPath $env:DOCS -Filter *.xlsm | Unblock-File" >nul 2>&1
echo [5/5] Tệp Excel / Workbooks: "%DOCS%"
echo.
echo XONG. Mở aidkit-tinh.xlsm (tỉnh) hoặc aidkit-cum.xlsm (cụm) trong thư mục trên, bấm "Bật nội dung".
echo Trưởng cụm: lưu mật khẩu thư một lần bằng lệnh: aidkit password ^<Tài khoản gửi^>
echo DONE. Open aidkit-tinh.xlsm (province) or aidkit-cum.xlsm (cluster) in that folder, click "Enable Content".
echo Cluster lead: store the mail password once with: aidkit password ^<sending account^>
start "" explorer "%DOCS%"
goto :end

:no_bundle
echo [Lỗi] Không thấy thư mục wheels bên cạnh tệp này: hãy giải nén toàn bộ tệp zip rồi chạy lại.
echo [Error] The wheels folder is not beside this script: extract the whole zip file, then run it again.
goto :fail
:no_python
echo [Lỗi] Bộ cài này dành cho Python @PYTHON@, máy chưa có. Cài Python @PYTHON@ từ python.org (xem HUONG-DAN.txt), hoặc xin trưởng cụm bộ cài cho phiên bản Python của máy, rồi chạy lại tệp này.
echo [Error] This bundle is for Python @PYTHON@, which is not installed. Install Python @PYTHON@ from python.org (see HUONG-DAN.txt), or ask the cluster lead for the bundle of this computer's Python, then run this file again.
goto :fail
:venv_failed
echo [Lỗi] Không tạo được môi trường Python tại "%VENV%".
echo [Error] Could not create the Python environment at "%VENV%".
goto :fail
:pip_failed
echo [Lỗi] Cài aidkit không thành công. Hãy gửi nội dung trên cho trưởng cụm.
echo [Error] Installing aidkit failed. Send the text above to the cluster lead.
goto :fail
:fail
echo.
pause
endlocal
exit /b 1
:end
echo.
pause
endlocal
exit /b 0
