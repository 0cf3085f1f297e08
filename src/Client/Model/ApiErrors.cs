using System.Text.Json;

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

    public static string Describe(string what, Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => $"Could not load {what}: the server answered {(int)status} {status}.",
        OperationCanceledException => $"Could not load {what}: the server did not answer in time.",
        _ => $"Could not load {what}: {exception.Message}",
    };
}
