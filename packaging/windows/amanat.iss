; Inno Setup script: a Windows installer for the one-folder build (docs/packaging.md).
; Built by .github/workflows/package.yml after `./dev package` (pyinstaller packaging/amanat.spec):
;   iscc /DAppVersion=0.1.0 packaging\windows\amanat.iss
; Installs dist\amanat\ per user (no administrator rights needed) into
; %LOCALAPPDATA%\Programs\Amanat, with a Start menu entry for amanat-gui.exe. The vault is
; never here: it lives in the user's data folder (platformdirs), so uninstalling keeps it.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B0E7C1A-4C55-4B8E-9C43-5A6D2E7B1F20}
AppName=Amanat
AppVersion={#AppVersion}
AppPublisher=Amanat
DefaultDirName={localappdata}\Programs\Amanat
DefaultGroupName=Amanat
PrivilegesRequired=lowest
DisableProgramGroupPage=yes
OutputDir=..\..\dist\installer
OutputBaseFilename=amanat-{#AppVersion}-windows-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\amanat-gui.exe

[Files]
Source: "..\..\dist\amanat\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Amanat"; Filename: "{app}\amanat-gui.exe"
Name: "{userdesktop}\Amanat"; Filename: "{app}\amanat-gui.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\amanat-gui.exe"; Description: "Start Amanat"; Flags: nowait postinstall skipifsilent
