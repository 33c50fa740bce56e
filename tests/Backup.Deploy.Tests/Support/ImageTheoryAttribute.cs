namespace Backup.Deploy.Tests.Support;

/// <summary>A theory about built container images: skipped, naming why, only where images cannot be built and run.</summary>
internal sealed class ImageTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from <see cref="ContainerImages.SkipReason"/>.</summary>
    public ImageTheoryAttribute() => Skip = ContainerImages.SkipReason;
}
