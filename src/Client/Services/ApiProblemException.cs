using System.Net;

namespace Dashboard.Client.Services;

/// <summary>
/// The server refused a call with an RFC 7807 problem answer: its title and detail say what was wrong in words meant
/// for people (an unknown snapshot, a store that cannot be used), so pages show them instead of the status code.
/// </summary>
public sealed class ApiProblemException(HttpStatusCode status, string? title, string? detail)
    : HttpRequestException(detail ?? title ?? $"The server answered {(int)status} {status}.", null, status)
{
    /// <summary>The problem's title, e.g. <c>Snapshot storage unavailable</c>.</summary>
    public string? Title { get; } = title;

    /// <summary>The problem's detail: what happened and, where it can, what to do.</summary>
    public string? Detail { get; } = detail;
}
