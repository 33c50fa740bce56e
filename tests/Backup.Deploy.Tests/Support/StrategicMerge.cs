using YamlDotNet.RepresentationModel;

namespace Backup.Deploy.Tests.Support;

/// <summary>The part of Kubernetes' strategic merge patch that deploy/ uses: maps merge, lists of named items merge by key.</summary>
/// <remarks>Directives (<c>$patch</c>, <c>$retainKeys</c>, ...) are refused, so a patch this cannot apply fails the tests instead of rendering wrongly.</remarks>
internal static class StrategicMerge
{
    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/> in place.</summary>
    public static void Apply(YamlMappingNode target, YamlMappingNode patch)
    {
        foreach (var (keyNode, value) in patch.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            if (key.StartsWith('$'))
            {
                throw new NotSupportedException($"strategic merge directive {key} is not supported by this test renderer");
            }

            if (!target.Children.TryGetValue(keyNode, out var existing))
            {
                target.Children[keyNode] = value;
            }
            else if (existing is YamlMappingNode existingMap && value is YamlMappingNode patchMap)
            {
                Apply(existingMap, patchMap);
            }
            else if (existing is YamlSequenceNode existingList && value is YamlSequenceNode patchList && MergeKey(key) is { } mergeKey
                     && IsKeyed(existingList, mergeKey) && IsKeyed(patchList, mergeKey))
            {
                MergeList(existingList, patchList, mergeKey);
            }
            else
            {
                target.Children[keyNode] = value;
            }
        }
    }

    // The patchMergeKey of the Kubernetes API fields deploy/ patches; any other list is replaced, as the API does.
    private static string? MergeKey(string field) => field switch
    {
        "containers" or "initContainers" or "env" or "volumes" => "name",
        "volumeMounts" => "mountPath",
        _ => null,
    };

    private static bool IsKeyed(YamlSequenceNode list, string mergeKey) =>
        list.Children.All(item => item is YamlMappingNode map && map.Children.ContainsKey(new YamlScalarNode(mergeKey)));

    private static void MergeList(YamlSequenceNode target, YamlSequenceNode patch, string mergeKey)
    {
        var key = new YamlScalarNode(mergeKey);
        foreach (var item in patch.Children.Cast<YamlMappingNode>())
        {
            var match = target.Children.Cast<YamlMappingNode>().FirstOrDefault(existing => existing.Children[key].Equals(item.Children[key]));
            if (match is null)
            {
                target.Children.Add(item);
            }
            else
            {
                Apply(match, item);
            }
        }
    }
}
