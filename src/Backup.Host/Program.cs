using Backup.Host.Cli;

return await BackupCommandLine.RunAsync(args, Console.Out, Console.Error);
