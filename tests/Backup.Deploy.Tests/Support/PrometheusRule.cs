using k8s;
using k8s.Models;

namespace Backup.Deploy.Tests.Support;

/// <summary>The Prometheus Operator's <c>PrometheusRule</c> (monitoring.coreos.com/v1), the fields its CRD defines for alerting rules; strict loading rejects any other.</summary>
public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The key KubernetesClient's model loader maps to this type.</summary>
    public static readonly Dictionary<string, Type> TypeMap = new() { ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule) };

    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public RuleSpec Spec { get; set; } = new();

    public sealed class RuleSpec
    {
        public List<RuleGroup> Groups { get; set; } = [];
    }

    public sealed class RuleGroup
    {
        public string Name { get; set; } = "";

        public string? Interval { get; set; }

        public List<Rule> Rules { get; set; } = [];
    }

    public sealed class Rule
    {
        public string? Alert { get; set; }

        public string? Record { get; set; }

        public string Expr { get; set; } = "";

        public string? For { get; set; }

        public Dictionary<string, string>? Labels { get; set; }

        public Dictionary<string, string>? Annotations { get; set; }
    }
}
