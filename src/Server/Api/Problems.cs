using Dashboard.Server.State;
using Dashboard.Shared.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

/// <summary>The API's RFC 7807 answers to bad input, worded for the person who typed the request.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult UnknownType(string? type) => BadRequest(
        "Unknown namespace type",
        $"'{type}' is not a namespace type; use one of mnt, pid, net, uts, ipc, user, cgroup, time.");

    public static ProblemHttpResult NotAnInode(string inode) => BadRequest(
        "Invalid inode",
        $"'{inode}' is not an inode number; inodes are positive integers such as 4026531840.");

    public static ProblemHttpResult NotAPid(string pid) => BadRequest(
        "Invalid PID",
        $"'{pid}' is not a process ID; PIDs are positive integers.");

    public static ProblemHttpResult UnknownProcess(int pid) => NotFound(
        "No such process",
        $"No process with PID {pid} was found in the last scan.");

    /// <summary>Not found, or an id prefix that matches several containers.</summary>
    public static ProblemHttpResult ContainerLookupFailed(string idOrName, ContainerLookupResult lookup) => lookup.IsAmbiguous
        ? BadRequest(
            "Ambiguous container id prefix",
            $"'{idOrName}' is the start of {lookup.Ambiguous.Count} container ids ({string.Join(", ", lookup.Ambiguous.Take(5).Select(c => c.Name))}); give more characters or the name.")
        : NotFound("No such container", $"No container has the id, name or unique id prefix '{idOrName}'.");

    public static bool TryParsePid(string text, out int pid) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pid) && pid > 0;

    public static bool TryParseInode(string text, out ulong inode) =>
        ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out inode) && inode > 0;
}
