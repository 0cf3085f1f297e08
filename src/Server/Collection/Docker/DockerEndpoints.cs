namespace Dashboard.Server.Collection.Docker;

/// <summary>
/// Pure: <c>Dashboard:DockerEndpoint</c> names one engine address or several separated by <c>;</c>, tried in order
/// whenever the server (re)connects. In a container that shares the host's PID namespace,
/// <c>unix:///proc/1/root/var/run/docker.sock</c> reaches the host's socket file as it is now, also after dockerd made
/// a new one, where a bind-mounted socket file would still be the old one; a mounted socket is the fallback where
/// PID 1's root cannot be entered.
/// </summary>
internal static class DockerEndpoints
{
    public static readonly string[] Schemes = ["unix", "tcp", "http", "https"];

    /// <summary>The addresses in order; an entry that is not an absolute URI with a known scheme is returned in <paramref name="invalid"/>.</summary>
    public static IReadOnlyList<Uri> Parse(string? setting, out IReadOnlyList<string> invalid)
    {
        var uris = new List<Uri>();
        var bad = new List<string>();
        foreach (var part in (setting ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Uri.TryCreate(part, UriKind.Absolute, out var uri) && Schemes.Contains(uri.Scheme))
            {
                uris.Add(uri);
            }
            else
            {
                bad.Add(part);
            }
        }

        invalid = bad;
        return uris;
    }
}
