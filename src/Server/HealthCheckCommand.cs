namespace Dashboard.Server;

/// <summary>
/// <c>dotnet Dashboard.Server.dll healthcheck</c>: asks the running server's <c>/healthz</c> on loopback and exits 0 when
/// it answers 2xx, else 1. The container image's health check runs it, so that the image needs no curl or wget.
/// </summary>
internal static class HealthCheckCommand
{
    public const string Name = "healthcheck";

    public static async Task<int> RunAsync(string? urls)
    {
        var target = new Uri(LoopbackOf(urls), "/healthz");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(target);
            Console.WriteLine($"{target}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{target}: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The first http address the server listens on (ASPNETCORE_URLS / --urls), with a wildcard host replaced by
    /// 127.0.0.1; the default address when none is set.
    /// </summary>
    internal static Uri LoopbackOf(string? urls)
    {
        var first = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? "http://127.0.0.1:5080";
        var normalised = first.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1")
            .Replace("://[::]", "://127.0.0.1");
        return new Uri(normalised.TrimEnd('/') + "/");
    }
}
