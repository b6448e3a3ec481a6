# Build dist\homeward on Windows: homeward.exe (console: the command line) and homewardw.exe
# (windowed: the desktop app) in one folder, then check that the console one starts.
# The Windows twin of scripts/build-frozen. Needs Python 3.11 (x64, python.org or the
# py launcher) and network access for the first run. From the checkout:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Then, for an installer: iscc packaging\windows\homeward.iss (Inno Setup 6.3+).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

function Run([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe $($arguments -join ' ') failed ($LASTEXITCODE)" }
}

$venv = "build\frozen-venv"
if (-not (Test-Path "$venv\Scripts\python.exe")) { Run "py" @("-3.11", "-m", "venv", $venv) }
$python = "$venv\Scripts\python.exe"
Run $python @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Run $python @("-m", "pip", "install", "--quiet", "-r", "packaging\requirements-build.txt", ".")
# The same version number would be skipped: Homeward itself is always rebuilt from the checkout.
Run $python @("-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", ".")
Run "$venv\Scripts\pyinstaller.exe" @("--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "dist", "--workpath", "build\pyinstaller", "packaging\homeward.spec")
Run "dist\homeward\homeward.exe" @("--version")
$size = (Get-ChildItem dist\homeward -Recurse | Measure-Object -Property Length -Sum).Sum
Write-Host ("dist\homeward: {0:N0} MB" -f ($size / 1MB))
