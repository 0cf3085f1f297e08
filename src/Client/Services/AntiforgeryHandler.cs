using System.Net.Http.Json;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>
/// Sends the antiforgery token with the app's own requests that change data (anything but GET, HEAD and OPTIONS to this
/// server, e.g. taking or deleting a snapshot): with the login cookie the server refuses them without it. The token is
/// fetched from <c>GET /api/antiforgery</c> just before each such request (they are rare, one per click), so a server
/// restart or a new login never leaves a stale one behind.
/// </summary>
public sealed class AntiforgeryHandler : DelegatingHandler
{
    private readonly Uri _baseAddress;

    public AntiforgeryHandler(Uri baseAddress)
        : this(baseAddress, new HttpClientHandler())
    {
    }

    public AntiforgeryHandler(Uri baseAddress, HttpMessageHandler inner)
        : base(inner) => _baseAddress = baseAddress;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (ChangesData(request.Method) && request.RequestUri is { IsAbsoluteUri: true } uri && IsThisServer(uri))
        {
            using var ask = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseAddress, "api/antiforgery"));
            using var answer = await base.SendAsync(ask, cancellationToken);
            // Without a token the request still goes, and the server's answer (401 logged out, 400) says what is wrong.
            if (answer.IsSuccessStatusCode && await answer.Content.ReadFromJsonAsync<AntiforgeryToken>(DashboardJson.Options, cancellationToken) is { } token)
            {
                request.Headers.Remove(token.HeaderName);
                request.Headers.TryAddWithoutValidation(token.HeaderName, token.RequestToken);
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private static bool ChangesData(HttpMethod method) => method != HttpMethod.Get && method != HttpMethod.Head && method != HttpMethod.Options;

    // The token is for this server only.
    private bool IsThisServer(Uri uri) =>
        Uri.Compare(uri, _baseAddress, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
