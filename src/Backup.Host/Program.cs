using Backup.Host.Cli;
using Backup.Host.Progress;

// On an interactive terminal (text logs only) progress is a live line below the logs: stderr goes through its writer.
var terminal = StatusLineWriter.ForStandardError(textLogs: !HostLogging.IsJson);
try
{
    return await BackupCommandLine.RunAsync(args, Console.Out, Console.Error, terminal);
}
finally
{
    terminal?.Dispose();
}
