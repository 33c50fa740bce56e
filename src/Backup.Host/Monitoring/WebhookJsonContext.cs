using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backup.Host.Monitoring;

/// <summary>Source-generated JSON for <see cref="WebhookBody"/>: the reflection serializer's first use cost tens of milliseconds at the end of every run.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookBody))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
