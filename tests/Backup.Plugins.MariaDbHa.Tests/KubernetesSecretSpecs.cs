using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class KubernetesSecretSpecs(KubernetesApiStub api) : IClassFixture<KubernetesApiStub>
{
    private const string Namespace = "databases";

    private Dictionary<string, object> SecretPassword(string name, string? key = null, string? kubeconfig = null)
    {
        var secret = new Dictionary<string, object>
        {
            ["namespace"] = Namespace,
            ["name"] = name,
            ["kubeconfig"] = kubeconfig ?? api.KubeconfigPath,
        };
        if (key is not null)
        {
            secret["key"] = key;
        }

        return new Dictionary<string, object> { ["kubernetesSecret"] = secret };
    }

    private static async Task<BackupCredentialsException> FailsWithCredentials(SourceRun run, Dictionary<string, object> password)
    {
        var act = () => run.RunAsync(SourceRun.ServerSettings(password));
        var error = (await act.Should().ThrowAsync<BackupCredentialsException>()).Which;
        error.Message.Should().NotContain("\n");
        run.Writer.Entries.Should().BeEmpty();
        return error;
    }

    [Fact]
    public async Task A_password_from_a_kubernetes_secret_reaches_a_real_dump()
    {
        api.AddSecret(Namespace, "mariadb", new Dictionary<string, string> { ["root-password"] = TestServers.MariaDbPassword });
        using var run = new SourceRun();

        var result = await run.RunAsync(SourceRun.ServerSettings(SecretPassword("mariadb")));

        run.DumpText.TrimEnd().Split('\n')[^1].Should().StartWith("-- Dump completed");
        run.DumpText.Should().Contain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `mysql`");
        result.Metadata["serverVersion"].Should().Contain("MariaDB");
        result.Metadata["dumpBytes"].Should().Be(run.Writer.Entries[SourceRun.EntryName].Length.ToString());
        result.Metadata["host"].Should().Be(TestServers.MariaDbHost);
        result.Metadata["user"].Should().Be("root");
        result.Metadata["entryName"].Should().Be(SourceRun.EntryName);
        result.Metadata["dumpArguments"].Should().StartWith($"--host={TestServers.MariaDbHost} ").And.NotContain("defaults-extra-file");
        result.Metadata.Values.Should().NotContain(v => v.Contains(TestServers.MariaDbPassword));
        run.Logs.Messages.Should().NotBeEmpty().And.NotContain(m => m.Contains(TestServers.MariaDbPassword));
        api.AuthorizationHeaders.Should().Contain("Bearer dummy-token");
    }

    [Fact]
    public async Task A_missing_secret_is_reported_with_namespace_name_and_key()
    {
        using var run = new SourceRun();

        var error = await FailsWithCredentials(run, SecretPassword("absent"));

        error.Message.Should().Be("cannot read secret databases/absent key 'root-password': not found");
    }

    [Fact]
    public async Task A_forbidden_secret_is_reported_with_a_hint_about_the_role()
    {
        api.AddSecret(Namespace, "locked", new Dictionary<string, string> { ["root-password"] = "LockedValue1" });
        api.Forbid(Namespace, "locked");
        using var run = new SourceRun();

        var error = await FailsWithCredentials(run, SecretPassword("locked"));

        error.Message.Should().Be("cannot read secret databases/locked key 'root-password': forbidden (check the Role grants get on this secret)");
    }

    [Fact]
    public async Task A_missing_key_lists_the_keys_present_but_never_their_values()
    {
        api.AddSecret(Namespace, "other", new Dictionary<string, string> { ["password"] = "SuperSecretValue9", ["username"] = "admin" });
        using var run = new SourceRun();

        var error = await FailsWithCredentials(run, SecretPassword("other", key: "root-password"));

        error.Message.Should().Be("cannot read secret databases/other key 'root-password': the secret has no such key (keys present: password, username)");
        error.ToString().Should().NotContain("SuperSecretValue9");
    }

    [Fact]
    public async Task An_unreachable_api_server_is_reported_with_the_secret_it_wanted()
    {
        using var dir = new TempDir();
        var kubeconfig = dir.Combine("kubeconfig");
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        File.WriteAllText(kubeconfig, File.ReadAllText(api.KubeconfigPath).Replace(api.Address, "http://127.0.0.1:1"));
        using var run = new SourceRun();

        var error = await FailsWithCredentials(run, SecretPassword("mariadb", kubeconfig: kubeconfig));

        error.Message.Should().StartWith("cannot read secret databases/mariadb key 'root-password': the Kubernetes API server is unreachable");
    }

    [Fact]
    public async Task A_missing_kubeconfig_is_reported_with_its_path()
    {
        using var run = new SourceRun();

        var error = await FailsWithCredentials(run, SecretPassword("mariadb", kubeconfig: "/nonexistent/kubeconfig"));

        error.Message.Should().Contain("secret databases/mariadb key 'root-password'").And.Contain("/nonexistent/kubeconfig");
    }
}
