using Backup.Abstractions;
using Backup.Host.Encryption;
using YamlDotNet.RepresentationModel;

namespace Backup.Host.Spec;

/// <summary>The <c>encryption</c> section of a spec.</summary>
internal sealed partial class SpecLoader
{
    private static readonly string[] EncryptionKeys = ["recipients", "recipientsFile", "identity"];
    private static readonly string[] IdentityKeys = ["file", "env"];

    /// <summary>The largest recipients file read: one public key line is 63 bytes.</summary>
    private const int MaxRecipientsFileBytes = 64 * 1024;

    private EncryptionSpec? ReadEncryption(YamlMappingNode root)
    {
        if (Child(root, "encryption") is not { } node)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            return Problem<EncryptionSpec?>(node, $"encryption must be a mapping with any of: {string.Join(", ", EncryptionKeys)}", null);
        }

        CheckKeys(mapping, "encryption.", EncryptionKeys);
        var problemsBefore = _problems.Count;
        var recipients = new List<AgeRecipient>();
        if (Child(mapping, "recipients") is { } list)
        {
            if (list is YamlSequenceNode sequence)
            {
                foreach (var item in sequence.Children)
                {
                    AddRecipient(recipients, item is YamlScalarNode scalar ? Substitute(scalar, "encryption.recipients") : null, At(item.Start), "encryption.recipients");
                }
            }
            else
            {
                _problems.Add($"{At(list.Start)}: encryption.recipients must be a list of age public keys (age1...)");
            }
        }

        if (OptionalScalar(mapping, "recipientsFile", "encryption.recipientsFile") is { } file && !string.IsNullOrWhiteSpace(file))
        {
            ReadRecipientsFile(recipients, file.Trim(), At(Child(mapping, "recipientsFile")!.Start));
        }

        // Only when none was given at all: a given but bad one already has its own line.
        if (recipients.Count == 0 && problemsBefore == _problems.Count)
        {
            _problems.Add($"{At(mapping.Start)}: encryption needs at least one recipient (encryption.recipients or encryption.recipientsFile): the public key from age-keygen, age1...");
        }

        return new EncryptionSpec(recipients.Distinct().ToList(), ReadIdentity(mapping));
    }

    private void AddRecipient(List<AgeRecipient> recipients, string? text, string at, string path)
    {
        if (text is null)
        {
            _problems.Add($"{at}: {path} must be a list of age public keys (age1...)");
        }
        else if (AgeRecipient.TryParse(text.Trim(), out var problem) is { } recipient)
        {
            recipients.Add(recipient);
        }
        else
        {
            // The text is not quoted: a secret key pasted here by mistake must not end up in a log.
            _problems.Add($"{at}: {path}: {problem}");
        }
    }

    private void ReadRecipientsFile(List<AgeRecipient> recipients, string path, string at)
    {
        string text;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            var buffer = new byte[MaxRecipientsFileBytes + 1];
            var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length > MaxRecipientsFileBytes)
            {
                _problems.Add($"{at}: encryption.recipientsFile '{path}' is larger than {MaxRecipientsFileBytes / 1024} KiB: not a recipients file");
                return;
            }

            text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _problems.Add($"{at}: encryption.recipientsFile: cannot read '{path}': {OneLine(ex.Message)}");
            return;
        }

        // age's recipients-file format: one key per line, '#' comments and blank lines ignored.
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Trim() is { Length: > 0 } key && !key.StartsWith('#'))
            {
                AddRecipient(recipients, key, at, $"encryption.recipientsFile '{path}' line {number}");
            }
        }
    }

    private SecretReference? ReadIdentity(YamlMappingNode encryption)
    {
        if (Child(encryption, "identity") is not { } node)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            return Problem<SecretReference?>(node, "encryption.identity must be a mapping with one of: file, env", null);
        }

        CheckKeys(mapping, "encryption.identity.", IdentityKeys);
        var file = OptionalScalar(mapping, "file", "encryption.identity.file")?.Trim();
        var env = OptionalScalar(mapping, "env", "encryption.identity.env")?.Trim();
        if (string.IsNullOrEmpty(file) == string.IsNullOrEmpty(env))
        {
            return Problem<SecretReference?>(mapping, "encryption.identity must set exactly one of: file (e.g. a mounted Kubernetes Secret), env", null);
        }

        return string.IsNullOrEmpty(file) ? SecretReference.FromEnvironment(IdentitySource.Setting, env!) : SecretReference.FromFile(IdentitySource.Setting, file);
    }
}
