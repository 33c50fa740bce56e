namespace Backup.Host.Spec;

/// <summary>The <c>notify</c> section: webhooks told about a command's outcome, each try bounded in time.</summary>
/// <param name="Webhooks">The webhooks.</param>
/// <param name="TimeoutSeconds">How long one attempt may take.</param>
/// <param name="Retries">How many times a failed attempt (no answer, 5xx, 429) is repeated.</param>
internal sealed record NotifySpec(IReadOnlyList<WebhookSpec> Webhooks, int TimeoutSeconds, int Retries)
{
    /// <summary>One attempt's timeout when the spec names none.</summary>
    public const int DefaultTimeoutSeconds = 5;

    /// <summary>Retries when the spec names none.</summary>
    public const int DefaultRetries = 2;

    /// <summary>The pause before retry n (1-based) is n times this.</summary>
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    /// <summary>The longest all attempts of one webhook can take, pauses included: what notifying adds to a run at most.</summary>
    public TimeSpan Bound => TimeSpan.FromSeconds(TimeoutSeconds * (Retries + 1)) + Backoff * (Retries * (Retries + 1) / 2);
}
