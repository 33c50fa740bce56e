using System.Runtime.Versioning;

// The fixtures run Linux tools (mariadb-dump, shell shims) and set Unix file modes.
[assembly: SupportedOSPlatform("linux")]
