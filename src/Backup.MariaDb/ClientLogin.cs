using CliWrap;

namespace Backup.MariaDb;

/// <summary>How a MariaDB client program (mariadb-dump, mariadb) logs in: the password in an <see cref="OptionFile"/> named by its first argument, and no secret in its environment.</summary>
/// <remarks>
/// A child inherits the whole environment by default, so with <c>password.env: DB_PW</c> every mariadb-dump and
/// mariadb would see <c>DB_PW</c> (readable in <c>/proc/&lt;pid&gt;/environ</c> and by anything it runs). The
/// password's variable is removed from every child's environment (CliWrap removes a variable set to null), and
/// so is <c>MYSQL_PWD</c>: the clients would read it as a password, and they get theirs from the option file.
/// </remarks>
internal sealed class ClientLogin : IDisposable
{
    private const string ClientPasswordVariable = "MYSQL_PWD";

    private readonly OptionFile _optionFile;
    private readonly Dictionary<string, string?> _environment;

    private ClientLogin(OptionFile optionFile, IEnumerable<string> secretVariables)
    {
        _optionFile = optionFile;
        _environment = WithoutSecrets(secretVariables);
    }

    /// <summary>A command running <paramref name="program"/> that needs no login (e.g. <c>mariadb-backup --prepare</c>), still without the secret variables.</summary>
    /// <param name="program">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="secretVariables">Environment variables of this process that hold secrets.</param>
    /// <param name="environment">Variables to set for the child besides (e.g. <c>TZ</c>), or null.</param>
    public static Command WithoutLogin(string program, IReadOnlyList<string> arguments, IEnumerable<string> secretVariables, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = WithoutSecrets(secretVariables);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return Cli.Wrap(program).WithArguments(arguments).WithEnvironmentVariables(variables);
    }

    private static Dictionary<string, string?> WithoutSecrets(IEnumerable<string> secretVariables) =>
        secretVariables.Append(ClientPasswordVariable).Distinct(StringComparer.Ordinal).ToDictionary(v => v, _ => (string?)null, StringComparer.Ordinal);

    /// <summary>Creates the option file for <paramref name="password"/> (in memory on Linux, else in <paramref name="fallbackDirectory"/>).</summary>
    /// <param name="fallbackDirectory">The run's private temp directory, used only where there is no memfd.</param>
    /// <param name="password">The database password.</param>
    /// <param name="secretVariables">Environment variables of this process that hold secrets and must not reach a child.</param>
    public static ClientLogin Create(string fallbackDirectory, string password, IEnumerable<string> secretVariables) =>
        new(OptionFile.Create(fallbackDirectory, password), secretVariables);

    /// <summary>A command running <paramref name="program"/> with the option file first (else the client exits 7), then <paramref name="arguments"/>, without the secret variables.</summary>
    public Command Wrap(string program, IReadOnlyList<string> arguments) =>
        Cli.Wrap(program)
            .WithArguments([_optionFile.Argument, .. arguments])
            .WithEnvironmentVariables(_environment);

    /// <summary>Frees the option file.</summary>
    public void Dispose() => _optionFile.Dispose();
}
