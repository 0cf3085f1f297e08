namespace Dashboard.Client.Model;

/// <summary>Which page of a snapshot a past address shows.</summary>
public enum PastSection
{
    Containers,
    Container,
    Namespaces,
    Namespace,
    Topology,
}

/// <summary>
/// Reads the addresses of the past view, <c>history/{id}/containers/web1</c> and the like: which page they show,
/// and the live page at the same place, for the way back to the present.
/// </summary>
public static class PastAddress
{
    /// <summary>The section of a base-relative address under <c>history/{id}/</c>; the snapshot alone opens its containers.</summary>
    public static PastSection Section(string relativeAddress)
    {
        var segments = Segments(relativeAddress);
        var detail = segments.Length > 3;
        return segments.ElementAtOrDefault(2) switch
        {
            "namespaces" => detail ? PastSection.Namespace : PastSection.Namespaces,
            "topology" => PastSection.Topology,
            _ => detail ? PastSection.Container : PastSection.Containers,
        };
    }

    /// <summary>The live address of the same page, query included: <c>history/7/namespaces?type=net</c> → <c>namespaces?type=net</c>.</summary>
    public static string Live(string relativeAddress)
    {
        var split = relativeAddress.IndexOfAny(['?', '#']);
        var (path, rest) = split < 0 ? (relativeAddress, "") : (relativeAddress[..split], relativeAddress[split..]);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 2 && segments[0] == DashboardLinks.History
            ? string.Join('/', segments.Skip(2)) + rest
            : DashboardLinks.Live.Containers;
    }

    private static string[] Segments(string relativeAddress)
    {
        var split = relativeAddress.IndexOfAny(['?', '#']);
        var path = split < 0 ? relativeAddress : relativeAddress[..split];
        return path.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }
}
