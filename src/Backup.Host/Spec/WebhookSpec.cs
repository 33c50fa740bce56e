using Backup.Abstractions;

namespace Backup.Host.Spec;

/// <summary>One webhook of the <c>notify</c> section.</summary>
/// <param name="Url">Where its URL is read from (a secret: chat webhook URLs carry their token in the path).</param>
/// <param name="OnFailure">Notify when the command failed (the default).</param>
/// <param name="OnSuccess">Notify when it succeeded.</param>
/// <param name="SlackText">Add a Slack-compatible <c>text</c> field to the JSON body.</param>
/// <param name="SigningSecret">Where the Standard Webhooks signing secret is read from; null sends the body unsigned.</param>
internal sealed record WebhookSpec(SecretReference Url, bool OnFailure, bool OnSuccess, bool SlackText, SecretReference? SigningSecret);
