namespace Backup.Deploy.Tests.Support;

/// <summary>A fact about built container images: skipped, naming why, only where images cannot be built and run.</summary>
internal sealed class ImageFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from <see cref="ContainerImages.SkipReason"/>.</summary>
    public ImageFactAttribute() => Skip = ContainerImages.SkipReason;
}
