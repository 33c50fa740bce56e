using YamlDotNet.RepresentationModel;

namespace Backup.Deploy.Tests.Support;

/// <summary>
/// Renders a kustomization the way <c>kubectl kustomize</c> does, for the features deploy/ uses: resources (files and
/// bases), components, configMapGenerator from files, strategic merge patches, images and namespace.
/// </summary>
/// <remarks>
/// No kustomize binary is installable on the CI machine, so the tests render the overlays themselves. Any other
/// kustomization field is refused: a manifest change that needs it fails here until this renderer learns it,
/// instead of being checked against a wrong rendering. Cross-checked once against kubectl kustomize v5.5.
/// </remarks>
internal sealed class Kustomize
{
    private static readonly string[] SupportedFields = ["apiVersion", "kind", "namespace", "resources", "components", "images", "configMapGenerator", "patches"];
    private static readonly string[] ClusterScopedKinds = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"];

    /// <summary>Every file read while rendering, as full paths.</summary>
    public HashSet<string> FilesRead { get; } = [];

    /// <summary>Renders the kustomization in <paramref name="directory"/> into its resources.</summary>
    public List<YamlMappingNode> Build(string directory)
    {
        var resources = new List<YamlMappingNode>();
        Run(directory, resources, "Kustomization");
        return resources;
    }

    /// <summary>Renders <paramref name="directory"/> as YAML text (documents separated by <c>---</c>).</summary>
    public string BuildText(string directory) => ToText(Build(directory));

    /// <summary>Writes <paramref name="documents"/> as one multi-document YAML text.</summary>
    public static string ToText(IEnumerable<YamlMappingNode> documents)
    {
        var writer = new StringWriter();
        new YamlStream(documents.Select(d => new YamlDocument(d))).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>Reads the YAML documents of <paramref name="path"/> (empty documents skipped).</summary>
    public List<YamlMappingNode> LoadDocuments(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Read(path)));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    // A Kustomization's resources are built on their own; a Component transforms the resources of its parent.
    private void Run(string directory, List<YamlMappingNode> resources, string expectedKind)
    {
        var kustomization = LoadDocuments(Path.Combine(directory, "kustomization.yaml")).Single();
        var kind = Scalar(kustomization, "kind");
        if (kind != expectedKind)
        {
            throw new InvalidDataException($"{directory}: kind {kind}, expected {expectedKind}");
        }

        foreach (var field in kustomization.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!))
        {
            if (!SupportedFields.Contains(field))
            {
                throw new NotSupportedException($"{directory}/kustomization.yaml: field '{field}' is not supported by this test renderer");
            }
        }

        foreach (var resource in Strings(kustomization, "resources"))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            resources.AddRange(Directory.Exists(path) ? Build(path) : LoadDocuments(path));
        }

        foreach (var generator in Sequence(kustomization, "configMapGenerator").Cast<YamlMappingNode>())
        {
            resources.Add(GenerateConfigMap(directory, generator));
        }

        foreach (var component in Strings(kustomization, "components"))
        {
            Run(Path.GetFullPath(Path.Combine(directory, component)), resources, "Component");
        }

        foreach (var patch in Sequence(kustomization, "patches").Cast<YamlMappingNode>())
        {
            foreach (var document in LoadDocuments(Path.Combine(directory, Scalar(patch, "path")!)))
            {
                StrategicMerge.Apply(Target(resources, document), document);
            }
        }

        foreach (var image in Sequence(kustomization, "images").Cast<YamlMappingNode>())
        {
            SetImage(resources, image);
        }

        if (Scalar(kustomization, "namespace") is { } ns)
        {
            SetNamespace(resources, ns);
        }
    }

    private YamlMappingNode GenerateConfigMap(string directory, YamlMappingNode generator)
    {
        var name = Scalar(generator, "name")!;
        if (generator.Children.TryGetValue(new YamlScalarNode("options"), out var options)
            && Scalar((YamlMappingNode)options, "disableNameSuffixHash") == "true")
        {
            var data = new YamlMappingNode();
            foreach (var file in Strings(generator, "files"))
            {
                data.Add(Path.GetFileName(file), new YamlScalarNode(Read(Path.Combine(directory, file))) { Style = YamlDotNet.Core.ScalarStyle.Literal });
            }

            return new YamlMappingNode
            {
                { "apiVersion", "v1" },
                { "kind", "ConfigMap" },
                { "metadata", new YamlMappingNode { { "name", name } } },
                { "data", data },
            };
        }

        // A hash suffix means rewriting every reference to the ConfigMap; deploy/ does not need it.
        throw new NotSupportedException($"{directory}: configMapGenerator '{name}' needs options.disableNameSuffixHash: true for this test renderer");
    }

    private static YamlMappingNode Target(List<YamlMappingNode> resources, YamlMappingNode patch)
    {
        var kind = Scalar(patch, "kind");
        var name = Scalar((YamlMappingNode)patch["metadata"], "name");
        return resources.SingleOrDefault(r => Scalar(r, "kind") == kind && Scalar((YamlMappingNode)r["metadata"], "name") == name)
            ?? throw new InvalidDataException($"patch target {kind}/{name} not found");
    }

    private static void SetImage(List<YamlMappingNode> resources, YamlMappingNode image)
    {
        var name = Scalar(image, "name")!;
        foreach (var container in resources.SelectMany(Containers))
        {
            var current = Scalar(container, "image");
            if (current == name || current?.StartsWith(name + ":", StringComparison.Ordinal) == true)
            {
                // As kustomize: newName alone keeps the image's tag, newTag alone keeps its name.
                var tag = Scalar(image, "newTag") ?? (current.Length > name.Length ? current[(name.Length + 1)..] : null);
                var replacement = (Scalar(image, "newName") ?? name) + (tag is null ? "" : ":" + tag);
                container.Children[new YamlScalarNode("image")] = new YamlScalarNode(replacement);
            }
        }
    }

    private static void SetNamespace(List<YamlMappingNode> resources, string ns)
    {
        var serviceAccounts = resources.Where(r => Scalar(r, "kind") == "ServiceAccount").Select(r => Scalar((YamlMappingNode)r["metadata"], "name")).ToHashSet();
        foreach (var resource in resources.Where(r => !ClusterScopedKinds.Contains(Scalar(r, "kind"))))
        {
            ((YamlMappingNode)resource["metadata"]).Children[new YamlScalarNode("namespace")] = new YamlScalarNode(ns);
            foreach (var subject in Sequence(resource, "subjects").Cast<YamlMappingNode>())
            {
                if (Scalar(subject, "kind") == "ServiceAccount" && serviceAccounts.Contains(Scalar(subject, "name")))
                {
                    subject.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(ns);
                }
            }
        }
    }

    // Every mapping in a "containers" or "initContainers" list, however deep (CronJob > Job > Pod).
    private static IEnumerable<YamlMappingNode> Containers(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(child =>
            ((YamlScalarNode)child.Key).Value is "containers" or "initContainers" && child.Value is YamlSequenceNode list
                ? list.Children.OfType<YamlMappingNode>()
                : Containers(child.Value)),
        YamlSequenceNode list => list.Children.SelectMany(Containers),
        _ => [],
    };

    private string Read(string path)
    {
        var full = Path.GetFullPath(path);
        FilesRead.Add(full);
        return File.ReadAllText(full);
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlScalarNode)node).Value : null;

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlSequenceNode)node).Children : [];

    private static IEnumerable<string> Strings(YamlMappingNode map, string key) =>
        Sequence(map, key).Cast<YamlScalarNode>().Select(s => s.Value!);
}
