using System.Text.Json;
using Dashboard.Client.Services;

namespace Dashboard.Client.Model;

/// <summary>Which failures of a data call a page shows as an alert instead of letting them crash the circuit.</summary>
public static class ApiErrors
{
    public static bool IsLoadFailure(Exception exception, CancellationToken pageToken) => exception switch
    {
        HttpRequestException or JsonException or NotSupportedException => true,
        // HttpClient reports its own timeout as a cancellation; only the page's own cancellation is expected.
        OperationCanceledException => !pageToken.IsCancellationRequested,
        _ => false,
    };

    public static string Describe(string what, Exception exception) => $"Could not load {what}: {Reason(exception)}";

    /// <summary>Why a call failed, in the server's own words where it gave some (a problem answer's detail).</summary>
    public static string Reason(Exception exception) => exception switch
    {
        ApiProblemException { Detail: { } detail } => detail,
        ApiProblemException { Title: { } title, StatusCode: { } status } => $"{title} ({(int)status}).",
        HttpRequestException { StatusCode: { } status } => $"the server answered {(int)status} {status}.",
        OperationCanceledException => "the server did not answer in time.",
        _ => exception.Message,
    };
}
