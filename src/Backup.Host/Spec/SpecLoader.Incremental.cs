using YamlDotNet.RepresentationModel;

namespace Backup.Host.Spec;

/// <summary>The <c>incremental</c> section of a spec.</summary>
internal sealed partial class SpecLoader
{
    private static readonly string[] IncrementalKeys = ["fullEvery"];

    private IncrementalSpec? ReadIncremental(YamlMappingNode root, bool encrypted)
    {
        if (Child(root, "incremental") is not { } node)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            return Problem<IncrementalSpec?>(node, "incremental must be a mapping with fullEvery", null);
        }

        CheckKeys(mapping, "incremental.", IncrementalKeys);
        var text = OptionalScalar(mapping, "fullEvery", "incremental.fullEvery");
        if (!int.TryParse(text?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var fullEvery)
            || fullEvery is < IncrementalSpec.MinFullEvery or > IncrementalSpec.MaxFullEvery)
        {
            _problems.Add($"{At((Child(mapping, "fullEvery") ?? mapping).Start)}: incremental.fullEvery must be a whole number from {IncrementalSpec.MinFullEvery} to {IncrementalSpec.MaxFullEvery} (a full backup every that many backups), not '{text}'");
            return null;
        }

        // The next run continues from facts in the previous backup's manifest (mariadb-backup: its LSN), and encryption
        // seals those facts to keys a run does not hold (it has only the recipients).
        if (encrypted)
        {
            _problems.Add($"{At(mapping.Start)}: incremental cannot be combined with encryption: a run would need the previous backup's manifest, which encryption seals to the identity a run does not hold");
        }

        return new IncrementalSpec(fullEvery);
    }
}
