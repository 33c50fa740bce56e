namespace Backup.Testing;

/// <summary>One endpoint of an <see cref="EndpointSliceSpec"/>.</summary>
/// <param name="Address">Its IP address.</param>
/// <param name="PodName">The pod it points at.</param>
/// <param name="Ready">Its ready condition.</param>
public sealed record EndpointSpec(string Address, string PodName, bool Ready = true);
