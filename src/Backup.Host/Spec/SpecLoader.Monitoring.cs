using System.Globalization;
using Backup.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Backup.Host.Spec;

/// <summary>The <c>metrics</c> and <c>notify</c> sections of a spec.</summary>
internal sealed partial class SpecLoader
{
    private static readonly string[] MetricsKeys = ["pushgateway", "timeoutSeconds"];
    private static readonly string[] NotifyKeys = ["webhooks", "timeoutSeconds", "retries"];
    private static readonly string[] WebhookKeys = ["url", "on", "slackText", "signingSecret"];
    private static readonly string[] SecretKeys = ["env", "file"];

    private MetricsSpec? ReadMetrics(YamlMappingNode root)
    {
        var node = Child(root, "metrics");
        var mapping = node as YamlMappingNode;
        if (node is not null && mapping is null)
        {
            _problems.Add($"{At(node.Start)}: metrics must be a mapping with any of: {string.Join(", ", MetricsKeys)}");
        }

        if (mapping is not null)
        {
            CheckKeys(mapping, "metrics.", MetricsKeys);
        }

        // The variable wins over the spec, so one spec serves clusters whose gateways differ.
        var fromEnvironment = environment(MetricsSpec.UrlVariable);
        var (text, where) = !string.IsNullOrWhiteSpace(fromEnvironment)
            ? (fromEnvironment, MetricsSpec.UrlVariable)
            : (mapping is null ? null : OptionalScalar(mapping, "pushgateway", "metrics.pushgateway"), mapping is null ? "" : At((Child(mapping, "pushgateway") ?? mapping).Start));
        if (string.IsNullOrWhiteSpace(text))
        {
            if (mapping is not null)
            {
                _problems.Add($"{At(mapping.Start)}: metrics.pushgateway is required (the Pushgateway's URL, e.g. http://pushgateway.monitoring:9091), or set {MetricsSpec.UrlVariable}");
            }

            return null;
        }

        var timeout = mapping is null ? MetricsSpec.DefaultTimeoutSeconds : ReadWhole(mapping, "metrics.", "timeoutSeconds", MetricsSpec.DefaultTimeoutSeconds, 1, 60);
        return HttpUrl(text.Trim(), $"{where}: metrics.pushgateway") is { } url ? new MetricsSpec(url, timeout) : null;
    }

    private Uri? HttpUrl(string text, string what)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            _problems.Add($"{what} '{text}' must be an http:// or https:// URL");
            return null;
        }

        if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            // Credentials in a URL end up in logs and process listings; the path below it is the Pushgateway's API.
            _problems.Add($"{what} must be a plain base URL without credentials, query or fragment");
            return null;
        }

        return url;
    }

    private NotifySpec? ReadNotify(YamlMappingNode root)
    {
        if (Child(root, "notify") is not { } node)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            return Problem<NotifySpec?>(node, $"notify must be a mapping with any of: {string.Join(", ", NotifyKeys)}", null);
        }

        CheckKeys(mapping, "notify.", NotifyKeys);
        var timeout = ReadWhole(mapping, "notify.", "timeoutSeconds", NotifySpec.DefaultTimeoutSeconds, 1, 60);
        var retries = ReadWhole(mapping, "notify.", "retries", NotifySpec.DefaultRetries, 0, 5);
        if (Child(mapping, "webhooks") is not YamlSequenceNode { Children.Count: > 0 } webhooks)
        {
            return Problem<NotifySpec?>(Child(mapping, "webhooks") ?? mapping, "notify.webhooks must be a list of one or more webhooks (url, on, slackText, signingSecret)", null);
        }

        var list = new List<WebhookSpec>();
        for (var i = 0; i < webhooks.Children.Count; i++)
        {
            if (ReadWebhook(webhooks.Children[i], $"notify.webhooks[{i}]") is { } webhook)
            {
                list.Add(webhook);
            }
        }

        return new NotifySpec(list, timeout, retries);
    }

    private WebhookSpec? ReadWebhook(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            return Problem<WebhookSpec?>(node, $"{path} must be a mapping with url and any of: on, slackText, signingSecret", null);
        }

        CheckKeys(mapping, path + ".", WebhookKeys);
        var url = ReadSecret(mapping, "url", path, required: true);
        var (onFailure, onSuccess) = ReadOn(mapping, path);
        var slackText = ReadFlag(mapping, "slackText", path);
        var signingSecret = ReadSecret(mapping, "signingSecret", path, required: false);
        return url is null ? null : new WebhookSpec(url, onFailure, onSuccess, slackText, signingSecret);
    }

    // A secret is named, never written into the spec: a spec is checked in and printed in messages.
    private SecretReference? ReadSecret(YamlMappingNode parent, string key, string path, bool required)
    {
        var node = Child(parent, key);
        if (node is null)
        {
            return required ? Problem<SecretReference?>(parent, $"{path}.{key} is required: {{ env: VARIABLE }} or {{ file: /path }} (it is a secret, never written in the spec)", null) : null;
        }

        if (node is not YamlMappingNode mapping || mapping.Children.Count != 1)
        {
            return Problem<SecretReference?>(node, $"{path}.{key} must be {{ env: VARIABLE }} or {{ file: /path }} (it is a secret, never written in the spec)", null);
        }

        CheckKeys(mapping, $"{path}.{key}.", SecretKeys);
        var kind = SecretKeys.FirstOrDefault(k => Child(mapping, k) is not null);
        var name = kind is null ? null : OptionalScalar(mapping, kind, $"{path}.{key}.{kind}")?.Trim();
        if (kind is null || string.IsNullOrEmpty(name))
        {
            return kind is null ? null : Problem<SecretReference?>(mapping, $"{path}.{key}.{kind} must name a variable or a file", null);
        }

        // The setting is the spec's path, so a failed read says which webhook's url or signing secret it was.
        return kind == "env" ? SecretReference.FromEnvironment($"{path}.{key}", name) : SecretReference.FromFile($"{path}.{key}", name);
    }

    private (bool OnFailure, bool OnSuccess) ReadOn(YamlMappingNode mapping, string path)
    {
        var node = Child(mapping, "on");
        IEnumerable<YamlNode> items = node switch
        {
            null => [],
            YamlSequenceNode sequence => sequence.Children,
            _ => [node],
        };
        var values = items.Select(item => item is YamlScalarNode scalar ? Substitute(scalar, path + ".on").Trim() : "?").ToList();
        foreach (var bad in values.Where(v => v is not ("failure" or "success")))
        {
            _problems.Add($"{At(node!.Start)}: {path}.on '{bad}' is not one of: failure, success");
        }

        return values.Count == 0 ? (true, false) : (values.Contains("failure"), values.Contains("success"));
    }

    private bool ReadFlag(YamlMappingNode mapping, string key, string path)
    {
        var text = OptionalScalar(mapping, key, $"{path}.{key}")?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        return bool.TryParse(text, out var value) ? value : Problem(Child(mapping, key)!, $"{path}.{key} must be true or false, not '{text}'", false);
    }

    // Shared by every section: a whole number in a range, or one problem naming the key's full path.
    private int ReadWhole(YamlMappingNode mapping, string section, string key, int fallback, int min, int max)
    {
        var text = OptionalScalar(mapping, key, section + key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        _problems.Add($"{At(Child(mapping, key)!.Start)}: {section}{key} '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }
}
