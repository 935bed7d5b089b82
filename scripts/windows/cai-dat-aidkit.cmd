@echo off
rem aidkit @VERSION@: cai dat khong can quyen quan tri / installs without admin rights.
rem Tao moi truong Python rieng trong %LOCALAPPDATA%\aidkit\venv, cai tu cac tep trong bo cai
rem (khong can Internet), roi chep hai tep Excel vao Documents\aidkit\@VERSION@.
rem Creates a private Python environment in %LOCALAPPDATA%\aidkit\venv, installs from the files
rem of this bundle only (no internet), then copies the two workbooks to Documents\aidkit\@VERSION@.
setlocal EnableExtensions
chcp 65001 >nul
set "HERE=%~dp0"
set "WHEELS=%HERE%wheels"
set "WORKBOOKS=%HERE%workbooks"
set "VENV=%LOCALAPPDATA%\aidkit\venv"
set "DOCS=%USERPROFILE%\Documents\aidkit\@VERSION@"

echo ==== aidkit @VERSION@ ====
echo Đang cài đặt aidkit cho tài khoản %USERNAME%, không cần quyền quản trị.
echo Installing aidkit for the account %USERNAME%, no admin rights needed.
echo.

if not exist "%WHEELS%\aidkit_lhh-@VERSION@-py3-none-any.whl" goto :no_bundle

rem 1. Python 3.11-3.13 (py launcher first, then python on PATH).
set "PY="
for %%V in (3.13 3.12 3.11) do if not defined PY py -%%V -c "pass" >nul 2>&1 && set "PY=py -%%V"
if not defined PY python -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)" >nul 2>&1 && set "PY=python"
if not defined PY goto :no_python
echo [1/4] Python: %PY%

rem 2. The private environment (kept on upgrade).
if exist "%VENV%\Scripts\python.exe" goto :have_venv
%PY% -m venv "%VENV%"
if errorlevel 1 goto :venv_failed
:have_venv
echo [2/4] Môi trường / Environment: %VENV%

rem 3. aidkit and its dependencies, from this bundle only.
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%WHEELS%" --upgrade --upgrade-strategy eager --disable-pip-version-check -q aidkit-lhh
if errorlevel 1 goto :pip_failed
"%VENV%\Scripts\python.exe" -c "import toolkit.macros" >nul 2>&1
if errorlevel 1 goto :pip_failed
echo [3/4] Đã cài aidkit @VERSION@ / aidkit @VERSION@ installed: "%VENV%\Scripts\aidkit.exe"

rem 4. The workbooks: never replace a file that is already there (it may hold your data).
if not exist "%DOCS%" mkdir "%DOCS%"
for %%F in ("%WORKBOOKS%\aidkit-tinh.xlsm" "%WORKBOOKS%\aidkit-cum.xlsm") do if not exist "%DOCS%\%%~nxF" copy "%%~F" "%DOCS%\" >nul
powershell -NoProfile -NonInteractive -Command "Get-ChildItem -LiteralPath $env:DOCS -Filter *.xlsm | Unblock-File" >nul 2>&1
echo [4/4] Tệp Excel / Workbooks: %DOCS%
echo.
echo XONG. Mở aidkit-tinh.xlsm (tỉnh) hoặc aidkit-cum.xlsm (cụm) trong thư mục trên, bấm "Bật nội dung".
echo Các nút dùng Python tại %VENV%\Scripts\pythonw.exe (trang xlwings.conf đã chỉ sẵn tới đó).
echo DONE. Open aidkit-tinh.xlsm (province) or aidkit-cum.xlsm (cluster) in that folder, click "Enable Content".
echo The buttons use the Python at %VENV%\Scripts\pythonw.exe (the xlwings.conf sheet already points there).
start "" explorer "%DOCS%"
goto :end

:no_bundle
echo [Lỗi] Không thấy thư mục wheels bên cạnh tệp này: hãy giải nén toàn bộ tệp zip rồi chạy lại.
echo [Error] The wheels folder is not beside this script: extract the whole zip file, then run it again.
goto :fail
:no_python
echo [Lỗi] Chưa có Python 3.11, 3.12 hoặc 3.13. Cài Python từ python.org, chọn "Install Now" cho riêng bạn, rồi chạy lại tệp này.
echo [Error] Python 3.11, 3.12 or 3.13 is not installed. Install it from python.org ("Install Now", for you only), then run this file again.
goto :fail
:venv_failed
echo [Lỗi] Không tạo được môi trường Python tại %VENV%.
echo [Error] Could not create the Python environment at %VENV%.
goto :fail
:pip_failed
echo [Lỗi] Cài aidkit không thành công: bộ cài này không khớp phiên bản Python của máy. Hãy gửi nội dung trên cho trưởng cụm.
echo [Error] Installing aidkit failed: this bundle does not fit this computer's Python. Send the text above to the cluster lead.
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
