using System.Security.Cryptography;
using System.Text;

namespace Backup.Host.Monitoring;

/// <summary>Standard Webhooks signing: <c>webhook-signature: v1,base64(HMAC-SHA256(key, "id.timestamp.body"))</c>.</summary>
/// <remarks>
/// The secret is <c>whsec_</c> plus the base64 of the key, as the Standard Webhooks libraries generate and read it
/// (the prefix is optional). Ten lines with System.Security.Cryptography instead of the StandardWebhooks package,
/// which adds nothing to them and would be one more assembly in the host.
/// </remarks>
internal static class WebhookSignature
{
    private const string SecretPrefix = "whsec_";

    /// <summary>The HMAC key in <paramref name="secret"/>, or null when it is not base64 (the caller says so without quoting it).</summary>
    public static byte[]? Key(string secret)
    {
        var text = secret.Trim();
        text = text.StartsWith(SecretPrefix, StringComparison.Ordinal) ? text[SecretPrefix.Length..] : text;
        var key = new byte[text.Length];
        return text.Length > 0 && Convert.TryFromBase64String(text, key, out var length) ? key[..length] : null;
    }

    /// <summary>The <c>webhook-signature</c> header value for the message.</summary>
    public static string Sign(byte[] key, string id, long timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
