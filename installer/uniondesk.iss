; Inno Setup 6 script for UnionDesk (工会桌面通). Built by installer\build.py after the
; frozen app passed the smoke test:
;   ISCC /DAppVersion=0.1.0 /DFrozenDir=<repo>\dist\UnionDesk /O<repo>\dist installer\uniondesk.iss
; (without the defines: version 0.1.0 and ..\dist\UnionDesk, relative to this file).
; Per-user install (no administrator rights) into %LOCALAPPDATA%\Programs\UnionDesk;
; the user's data (%LOCALAPPDATA%\UnionDesk: database, backups, node marker) is never
; installed, replaced or removed by this installer.
; Saved as UTF-8 with a BOM so Inno Setup before 6.3 reads the Chinese text correctly.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
; FrozenDir: the PyInstaller output (not Inno's own [Setup] SourceDir directive).
#ifndef FrozenDir
  #define FrozenDir "..\dist\UnionDesk"
#endif
#define AppName "工会桌面通"
#define AppExe "UnionDesk.exe"

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
RestartApplications=no

[Languages]
; ChineseSimplified.isl ships with recent Inno Setup 6; for older ones put it from
; https://jrsoftware.org/files/istrans/ into the compiler's Languages folder.
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[CustomMessages]
chinesesimplified.DataKept=工会桌面通已卸载。%n%n您的数据（会员登记库、自动备份）没有删除，仍保存在：%n%1%n%n重新安装后会自动继续使用这些数据。如确实不再需要，请先备份，再手动删除该文件夹。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

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
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { Uninstall removes only what setup installed; the data dir is left alone, and we say so. }
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\UnionDesk')]),
      mbInformation, MB_OK);
end;
