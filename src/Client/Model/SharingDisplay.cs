using Dashboard.Shared.Contracts;
using MudBlazor;

namespace Dashboard.Client.Model;

/// <summary>How a container's namespace of one type is shown: the label, colour and tooltip of its chip.</summary>
public static class SharingDisplay
{
    /// <summary>Shown instead of a chip when the container is not running and so has no namespaces.</summary>
    public const string NotRunning = "—";

    public static string Label(Sharing sharing, IReadOnlyList<ContainerRef> sharedWith) => sharing switch
    {
        Sharing.Private => "private",
        Sharing.Host => "host",
        Sharing.Shared when sharedWith.Count > 0 => "shared: " + string.Join(", ", sharedWith.Select(c => c.Name)),
        Sharing.Shared => "shared",
        _ => sharing.ToString().ToLowerInvariant(),
    };

    public static Color ChipColor(Sharing sharing) => sharing switch
    {
        Sharing.Host => Color.Warning,
        Sharing.Shared => Color.Info,
        _ => Color.Default,
    };

    // Private is the normal case, so it stays quiet; the exceptions are the ones worth seeing at a glance.
    public static Variant ChipVariant(Sharing sharing) => sharing == Sharing.Private ? Variant.Outlined : Variant.Filled;

    public static string Tooltip(ulong inode, Sharing sharing, IReadOnlyList<ContainerRef> sharedWith)
    {
        var text = $"inode {inode}";
        if (sharing == Sharing.Host)
        {
            text += " (the host's own namespace)";
        }

        return sharedWith.Count > 0 && sharing != Sharing.Shared
            ? text + "; also used by " + string.Join(", ", sharedWith.Select(c => c.Name))
            : text;
    }
}
