using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Backup.Testing;
using MySqlConnector;

namespace Backup.Plugins.MariaDbHa.Tests.Support;

/// <summary>A throwaway MariaDB user created with given statements on one server (replicated on Galera), dropped again on dispose.</summary>
internal sealed class DumpUser : IAsyncDisposable
{
    private const string DocumentedUser = "'backup'@'%'";
    private const string DocumentedPassword = "'change-me'";

    private readonly int _port;

    private DumpUser(string name, int port)
    {
        Name = name;
        _port = port;
    }

    /// <summary>The user's name (host <c>%</c>).</summary>
    public string Name { get; }

    /// <summary>The user's password, random per user.</summary>
    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The SQL block under <c>&lt;!-- grant: <paramref name="marker"/> --&gt;</c> in docs/mariadb-ha.md, one statement per line.</summary>
    public static IReadOnlyList<string> DocumentedStatements(string marker)
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "mariadb-ha.md"));
        var match = Regex.Match(docs, $@"<!-- grant: {Regex.Escape(marker)} -->\s*```sql\n(?<sql>.*?)```", RegexOptions.Singleline);
        match.Success.Should().BeTrue($"docs/mariadb-ha.md has the '{marker}' grant block");
        var statements = match.Groups["sql"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        statements.Should().AllSatisfy(s => s.Should().Contain(DocumentedUser), "each documented statement is for the documented user");
        return statements;
    }

    /// <summary>Creates <paramref name="name"/>@% on the server at <paramref name="port"/> by running <paramref name="statements"/>, written for <c>'backup'@'%'</c> with password <c>'change-me'</c>.</summary>
    public static async Task<DumpUser> CreateAsync(string name, int port, IEnumerable<string> statements)
    {
        var user = new DumpUser(name, port);
        await user.DropAsync();
        foreach (var statement in statements)
        {
            await user.ExecuteAsync(statement.Replace(DocumentedUser, $"'{name}'@'%'", StringComparison.Ordinal).Replace(DocumentedPassword, "@pw", StringComparison.Ordinal));
        }

        return user;
    }

    /// <summary>The password setting pointing at a variable this process sets to the user's password.</summary>
    public Dictionary<string, object> PasswordSetting()
    {
        var variable = $"BACKUP_TEST_{Name.ToUpperInvariant()}_PASSWORD";
        Environment.SetEnvironmentVariable(variable, Password);
        return SourceRun.EnvPassword(variable);
    }

    public async ValueTask DisposeAsync() => await DropAsync();

    private Task DropAsync() => ExecuteAsync($"DROP USER IF EXISTS '{Name}'@'%'");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(_port);
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@pw", Password);
        await command.ExecuteNonQueryAsync();
    }
}
