using k8s;
using k8s.Models;

namespace Backup.Deploy.Tests.Support;

/// <summary>The typed Kubernetes objects of one rendered kustomization, with the accessors the specs need.</summary>
internal sealed class Manifests(IReadOnlyList<object> objects)
{
    /// <summary>Every object, typed by KubernetesClient's model loader.</summary>
    public IReadOnlyList<object> Objects { get; } = objects;

    /// <summary>The one CronJob.</summary>
    public V1CronJob CronJob => Objects.OfType<V1CronJob>().Single();

    /// <summary>The CronJob's pod template spec.</summary>
    public V1PodSpec Pod => CronJob.Spec.JobTemplate.Spec.Template.Spec;

    /// <summary>The backup container.</summary>
    public V1Container Container => Pod.Containers.Single();

    /// <summary>The ServiceAccount the pod runs as.</summary>
    public V1ServiceAccount ServiceAccount => Objects.OfType<V1ServiceAccount>().Single(sa => sa.Metadata.Name == Pod.ServiceAccountName);

    /// <summary>The job spec text the ConfigMap carries under <paramref name="key"/>.</summary>
    public string SpecText(string configMapName, string key) =>
        Objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == configMapName).Data[key];

    /// <summary>The container's literal environment, with the downward-API namespace resolved as the kubelet would.</summary>
    public Dictionary<string, string> ResolvedEnvironment() =>
        Container.Env.ToDictionary(e => e.Name, e => e switch
        {
            { Value: { } value } => value,
            { ValueFrom.FieldRef.FieldPath: "metadata.namespace" } => CronJob.Metadata.NamespaceProperty,
            _ => throw new NotSupportedException($"env {e.Name}: only literal values and metadata.namespace are resolved"),
        });

    /// <summary>Loads YAML text with the model loader in strict mode: an unknown field (a typo) is an error.</summary>
    public static Manifests Load(string yaml) => new(KubernetesYaml.LoadAllFromString(yaml, PrometheusRule.TypeMap, strict: true));
}
