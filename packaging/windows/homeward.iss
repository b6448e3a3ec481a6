; Homeward for Windows: an installer around the one-folder build (dist\homeward).
; A sketch to start from; see docs/packaging.md ("Windows"). Build on Windows:
;   build\frozen-venv\Scripts\pyinstaller --noconfirm --clean --distpath dist ^
;       --workpath build\pyinstaller packaging\homeward.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\homeward.iss
; It writes dist\homeward-0.1.0-setup.exe. Inno Setup 6.3 or later.
;
; The Start-menu shortcut opens homewardw.exe (windowed: the desktop app, no console);
; homeward.exe is the command line for scripts. Data lives in %LOCALAPPDATA%\Homeward and
; is never touched by uninstalling.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Dist "..\..\dist\homeward"

[Setup]
; The AppId identifies Homeward to Windows across versions: never change it.
AppId={{26A55FE6-7496-406E-9454-C2213FF70CC2}
AppName=Homeward
AppVersion={#AppVersion}
AppVerName=Homeward {#AppVersion}
AppPublisher=Homeward
DefaultDirName={autopf}\Homeward
DefaultGroupName=Homeward
DisableProgramGroupPage=yes
; Counsellors often have no administrator rights: offer an install for this user only.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=homeward-{#AppVersion}-setup
SetupIconFile=..\icons\homeward.ico
UninstallDisplayIcon={app}\homewardw.exe
UninstallDisplayName=Homeward
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "uk"; MessagesFile: "compiler:Languages\Ukrainian.isl"
Name: "sk"; MessagesFile: "compiler:Languages\Slovak.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add homeward.exe to PATH (for scripts)"; Flags: unchecked

[Files]
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Homeward"; Filename: "{app}\homewardw.exe"; WorkingDir: "{app}"; Comment: "Offline counselling for assisted voluntary return and reintegration"
Name: "{autodesktop}\Homeward"; Filename: "{app}\homewardw.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; PATH for this user (an all-users install would use HKLM's Session Manager\Environment).
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NotOnPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\homewardw.exe"; Description: "{cm:LaunchProgram,Homeward}"; Flags: nowait postinstall skipifsilent

[Code]
function NotOnPath(Folder: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Path) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Folder) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
