namespace Backup.Testing;

/// <summary>An EndpointSlice for <see cref="KubernetesApiStub"/>: its endpoints and ports.</summary>
/// <param name="Endpoints">The pods it lists.</param>
/// <param name="Ports">Its ports (name and number).</param>
public sealed record EndpointSliceSpec(IReadOnlyList<EndpointSpec> Endpoints, IReadOnlyList<(string Name, int Port)> Ports);
