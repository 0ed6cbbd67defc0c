; Inno Setup 6 script for UnionDesk (工会桌面通). Built by installer\build.py after the
; frozen app passed the smoke test:
;   ISCC /DAppVersion=0.1.0 /DFrozenDir=<repo>\dist\UnionDesk /O<repo>\dist installer\uniondesk.iss
; (without the defines: version 0.1.0 and ..\dist\UnionDesk, relative to this file).
; Per-user install (no administrator rights) into %LOCALAPPDATA%\Programs\UnionDesk;
; the user's data (%LOCALAPPDATA%\UnionDesk: database, backups, node marker) is never
; installed or replaced; the uninstaller keeps it unless the clerk, asked with 否 as the
; default answer, chooses to delete it (a silent uninstall always keeps it).
; Sync packages (*.udsync) open in the app by double-click: a per-user file association
; under HKA (HKCU for this per-user install) that the uninstaller removes again.
; Saved as UTF-8 with a BOM so Inno Setup before 6.3 reads the Chinese text correctly.
; Checked with ISCC 6.4.1 (npm package innosetup) under wine: see docs/installers.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
; FrozenDir: the PyInstaller output (not Inno's own [Setup] SourceDir directive).
#ifndef FrozenDir
  #define FrozenDir "..\dist\UnionDesk"
#endif
#define AppName "工会桌面通"
#define AppExe "UnionDesk.exe"
#define SyncProgId "UnionDesk.SyncPackage"

[Setup]
; Never change AppId: it is how Windows knows a new version upgrades the old one.
AppId={{6E2B7C1A-3F4D-4B8E-9A51-0C7D2E9F4A36}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=UnionDesk
AppComments=工会联合会离线会员登记、活动与阵地管理
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\UnionDesk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename=UnionDesk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\uniondesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes
; Explorer is told about the .udsync association at the end of setup and uninstall.
ChangesAssociations=yes
RestartApplications=no

[Languages]
; Inno Setup ships no Simplified Chinese (it is an unofficial translation): ours is kept
; beside this script, translated from Inno Setup 6.4's Default.isl, so any ISCC 6 compiles it.
Name: "chinesesimplified"; MessagesFile: "ChineseSimplified.isl"

[CustomMessages]
chinesesimplified.SyncFileType=工会桌面通同步包
chinesesimplified.DeleteDataQuestion=是否同时删除工会桌面通的数据？%n%n数据文件夹：%n%1%n%n其中有会员登记库和自动备份，删除后无法恢复。如果以后还要使用，或没有另外备份，请选择“否”（推荐）。
chinesesimplified.DataDeleted=工会桌面通及其数据已删除。
chinesesimplified.DataKept=工会桌面通已卸载。%n%n您的数据（会员登记库、自动备份）没有删除，仍保存在：%n%1%n%n重新安装后会自动继续使用这些数据。如确实不再需要，请先备份，再手动删除该文件夹。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Registry]
; .udsync → UnionDesk: double-click opens the sync import wizard with that file
; ("%1" is the package's path; uniondesk accepts a lone .udsync argument).
Root: HKA; Subkey: "Software\Classes\.udsync"; ValueType: string; ValueName: ""; ValueData: "{#SyncProgId}"; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\.udsync\OpenWithProgids"; ValueType: string; ValueName: "{#SyncProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\{#SyncProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:SyncFileType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#SyncProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#SyncProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".udsync"; ValueData: ""; Flags: uninsdeletekey

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale: no stale DLL from an older Qt.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#FrozenDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function DataDirs(): String;
begin
  Result := ExpandConstant('{localappdata}\UnionDesk');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { Uninstall removes only what setup installed, unless the clerk asks (default: 否) to
    delete the data too: the database, its backups and this PC's installation secret.
    A silent uninstall (an upgrade script, an administrator) never deletes data. }
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
  begin
    if DirExists(DataDirs()) and
       (MsgBox(FmtMessage(CustomMessage('DeleteDataQuestion'), [DataDirs()]),
         mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES) then
    begin
      DelTree(DataDirs(), True, True, True);
      DelTree(ExpandConstant('{localappdata}\UnionDesk-Installation'), True, True, True);
      MsgBox(CustomMessage('DataDeleted'), mbInformation, MB_OK);
    end
    else
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataDirs()]), mbInformation, MB_OK);
  end;
end;
