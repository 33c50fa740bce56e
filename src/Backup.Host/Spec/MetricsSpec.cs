namespace Backup.Host.Spec;

/// <summary>Where every job command pushes its outcome: a Prometheus Pushgateway.</summary>
/// <param name="Pushgateway">The Pushgateway's base URL (<c>http(s)://host:port[/path]</c>, no credentials).</param>
/// <param name="TimeoutSeconds">How long the one push may take before it is given up with a warning.</param>
internal sealed record MetricsSpec(Uri Pushgateway, int TimeoutSeconds)
{
    /// <summary>The variable that sets or overrides <see cref="Pushgateway"/>, so one spec serves clusters with different gateways.</summary>
    public const string UrlVariable = "BACKUP_PUSHGATEWAY_URL";

    /// <summary>The push's timeout when the spec names none: a gateway in the cluster answers in milliseconds.</summary>
    public const int DefaultTimeoutSeconds = 5;
}
