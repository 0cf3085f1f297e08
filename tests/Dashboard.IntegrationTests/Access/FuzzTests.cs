using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dashboard.IntegrationTests.Access;

/// <summary>
/// Thousands of malformed requests against a throw-away server and database on a loopback socket: wrong methods, odd
/// paths and encodings, traversal, huge queries, headers and ids, broken bodies and broken HTTP, and every real route
/// spelt in the ways that fool path checks. None may get a 5xx, leak a file, a token or a stack trace; none without
/// the right token may get a 2xx, or a 3xx anywhere but the login page, from a route that needs the token; and the
/// server must serve a good request afterwards. Seeded: a failure names the seed and the request, so it can be replayed.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261201;
    private const int HttpRequests = 2000;
    private const int RawRequests = 500;

    private static readonly string[] s_segments =
    [
        "api", "status", "containers", "namespaces", "net", "pid", "user", "mnt", "processes", "networks", "netns", "topology",
        "reachability", "snapshots", "diff", "antiforgery", "login", "logout", "hubs", "dashboard", "negotiate", "healthz",
        "openapi", "v1.json", "_framework", "_content", "MudBlazor", "blazor.web.js", "favicon.svg", "history",
        "1", "0", "-1", "4026531840", "99999999999999999999999", "9223372036854775807", "1.5", "0x10", "1e9",
        "..", ".", "%2e%2e", "%2E%2E%2F", "..%2f..%2fetc%2fpasswd", "%2f", "%5c", "..\\..\\etc\\passwd", "%00", "%0d%0a", "%c0%ae%c0%ae",
        "%c0%af", "%ff%fe", "%e2%80%ae", "%u002e", "%%", "%zz", "caf%C3%A9", "%F0%9F%90%B3", "~root", "etc", "passwd", "proc", "self",
        "'", "\"", "<script>", "${jndi:x}", "{id}", "*", ";", "a;b=c", "%3Bjsessionid=1", "AUX", "CON", "null", "undefined",
    ];

    // Real routes, their parameters filled at random: so that requests also get past routing to the handlers.
    private static readonly string[] s_routes =
    [
        "/api/status", "/api/namespaces", "/api/namespaces/{}/{}", "/api/containers", "/api/containers/{}", "/api/containers/{}/namespaces",
        "/api/processes/{}", "/api/networks", "/api/networks/{}", "/api/netns", "/api/netns/{}", "/api/topology", "/api/topology/reachability",
        "/api/snapshots", "/api/snapshots/{}", "/api/snapshots/{}/diff/{}", "/api/antiforgery", "/login", "/logout", "/healthz",
        "/openapi/v1.json", "/hubs/dashboard", "/hubs/dashboard/negotiate", "/", "/containers", "/namespaces/{}/{}", "/_framework/blazor.web.js",
    ];

    /// <summary>
    /// Spellings of a path (its first segment and the rest) that a check by path prefix or by exact path gets wrong:
    /// doubled or encoded slashes, case, dot segments, trailing slashes and dots, <c>;</c> parameters, overlong UTF-8
    /// (<c>C0 AF</c> is '/', <c>C0 AE</c> '.', both invalid), encoded letters.
    /// </summary>
    private static readonly Func<string, string, string>[] s_pathTricks =
    [
        (first, rest) => $"//{first}{rest}",
        (first, rest) => $"/{first.ToUpperInvariant()}{rest.ToUpperInvariant()}",
        (first, rest) => $"/{first}{rest.Replace("/", "%2F")}",
        (first, rest) => $"/{first}%2f{rest.TrimStart('/')}",
        (first, rest) => $"/{first}/.{rest}",
        (first, rest) => $"/{first}{rest}/",
        (first, rest) => $"/{first}{rest}.",
        (first, rest) => $"/{first}{rest}..",
        (first, rest) => $"/{first};x=1{rest}",
        (first, rest) => $"/{first}{rest};jsessionid=1",
        (first, rest) => $"/{first}%c0%af{rest.TrimStart('/')}",
        (first, rest) => $"/{first}/%c0%ae{rest}",
        (first, rest) => $"/{first}\u00c0\u00af{rest.TrimStart('/')}",
        (first, rest) => $"/%{(int)(first.Length > 0 ? first[0] : 'a'):x2}{(first.Length > 0 ? first[1..] : "")}{rest}",
        (first, rest) => $"/{first}/x/..{rest}",
        (first, rest) => $"/{first}\\{rest.TrimStart('/')}",
    ];

    private static readonly string[] s_trickMethods = ["HEAD", "POST", "OPTIONS", "TRACE", "DELETE", "PUT"];

    /// <summary>What answers anyone: the health check, the login and logout forms, the icon the login page shows.</summary>
    private static readonly string[] s_anonymousSegments = ["healthz", "login", "logout", "favicon.svg"];

    private static readonly string[] s_methods = ["GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "CONNECTX", "FOO"];
    private static readonly string[] s_queryKeys = ["type", "container", "pid", "from", "to", "limit", "offset", "t", "returnUrl", "access_token", "id", "negotiateVersion", "x"];

    [Fact]
    public async Task MalformedRequestsGetNo5xxAndTheServerKeepsServing()
    {
        using var server = new SocketAccessDashboard(IPAddress.Loopback, AccessFactory.Token);
        server.Factory.Settings["Dashboard:RateLimit:Burst"] = "1000000";
        server.Factory.Settings["Dashboard:RateLimit:RequestsPerSecond"] = "1000000";
        // Wrong tokens are most of what is sent: a spent budget would turn the rest into 429s (tested on its own).
        server.Factory.Settings["Dashboard:RateLimit:FailureBurst"] = "1000000";
        server.Factory.Settings["Dashboard:RateLimit:FailuresPerMinute"] = "1000000";
        var ct = TestContext.Current.CancellationToken;
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 8 };
        using var http = new HttpClient(handler) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var unanswered = new System.Collections.Concurrent.ConcurrentQueue<string>();

        // Each request is made from its own seed, so that one can be replayed alone.
        var random = new Random(Seed);
        var seeds = Enumerable.Range(0, HttpRequests + RawRequests).Select(_ => random.Next()).ToArray();
        var tricks = PathTrickRequests().ToArray();
        using (var iconAnswer = await http.GetAsync("/favicon.svg", ct))
        {
            s_icon = await iconAnswer.Content.ReadAsStringAsync(ct);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, seeds.Length + tricks.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var r = new Random(i < seeds.Length ? seeds[i] : i);
            var answer = i < HttpRequests ? await SendHttpAsync(http, r, token)
                : i < seeds.Length ? await SendRawAsync(server.Port, r, token)
                : await SendRawAsync(server.Port, tricks[i - seeds.Length], token);
            var (what, status, body) = (answer.What, answer.Status, answer.Body);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status == 0)
            {
                unanswered.Enqueue(what);
            }

            // 505 is Kestrel telling a client that asked for HTTP/2.0 or 9.9 in an HTTP/1 request line which versions
            // it speaks (RFC 9110 15.6.6): an answer about the protocol, not a failure of the server.
            var serverFault = status >= 500 && !(status == 505 && what.StartsWith("raw", StringComparison.Ordinal));
            if (serverFault || body.Contains("root:x:0:0") || body.Contains(AccessFactory.Token) || body.Contains("   at Dashboard.") || body.Contains("   at Microsoft."))
            {
                failures.Enqueue($"request {i} (seed {(i < seeds.Length ? seeds[i] : i)}): {what} -> {status}: {Shorten(body)}");
            }
            else if (!answer.Credentialed && LetsInWithoutToken(answer))
            {
                failures.Enqueue($"request {i} without the token let in: {what} -> {status} {answer.Location}: {Shorten(body)}");
            }
        });

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"statuses (0: closed without an answer): {summary}");
        TestContext.Current.TestOutputHelper?.WriteLine("some without an answer:\n" + string.Join('\n', unanswered.Take(8)));
        var errors = server.Factory.Log.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers (statuses {summary}):\n{string.Join('\n', failures.Take(20))}\nserver errors:\n{string.Join('\n', errors.Take(5))}");
        // Most were refused as they should be, and some reached the handlers with the right token.
        Assert.True(statuses.Where(s => s.Key is >= 400 and < 500).Sum(s => s.Value) > HttpRequests / 2, summary);
        Assert.True(statuses.GetValueOrDefault(200) > 0, summary);
        // The tricks were sent and answered.
        Assert.True(tricks.Length > 500, $"{tricks.Length} path tricks");

        using var good = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { Authorization = new("Bearer", AccessFactory.Token) } };
        using var answer = await http.SendAsync(good, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var health = await http.GetAsync("/healthz", ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static string s_icon = "";

    /// <summary>An answer as the checks need it; <c>Credentialed</c>: the request carried the right token.</summary>
    private sealed record Answer(string What, int Status, string Body, bool Credentialed, string? Location = null, string Method = "GET", string Path = "/");

    /// <summary>
    /// A request without the token got in: a 2xx that is not one of the anonymous answers, or a redirect anywhere but to
    /// the login page. A HEAD answer has no body to recognise, so there the path decides.
    /// </summary>
    private static bool LetsInWithoutToken(Answer answer)
    {
        if (answer.Status is >= 300 and < 400)
        {
            var location = answer.Location ?? "";
            var path = Uri.TryCreate(location, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.PathAndQuery : location;
            return !(path == "/login" || path.StartsWith("/login?", StringComparison.Ordinal));
        }

        if (answer.Status is < 200 or >= 300)
        {
            return false;
        }

        var body = answer.Body;
        var anonymousBody = body.Trim() == "Healthy"
            || (body.Contains("· Container Namespace Dashboard</title>") && (body.Contains("<title>Log in") || body.Contains("<title>Log out")))
            || (s_icon.Length > 0 && body == s_icon);
        return !anonymousBody && !(answer.Method == "HEAD" && IsAnonymousPath(answer.Path));
    }

    /// <summary>Whether a path, however spelt, names one of the anonymous routes.</summary>
    private static bool IsAnonymousPath(string path)
    {
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(path.Split('?')[0]);
        }
        catch (UriFormatException)
        {
            decoded = path;
        }

        var first = decoded.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        first = first.Split(';')[0].TrimEnd('.').ToLowerInvariant();
        return s_anonymousSegments.Contains(first) || s_anonymousSegments.Contains(first + ".svg");
    }

    /// <summary>Every real route in every spelling of <see cref="s_pathTricks"/>, with GET and one other method, with no token or a wrong one.</summary>
    private static IEnumerable<string> PathTrickRequests()
    {
        var n = 0;
        foreach (var route in s_routes)
        {
            var path = route.Replace("{}", "1");
            var slash = path.IndexOf('/', 1);
            var (first, rest) = slash < 0 ? (path[1..], "") : (path[1..slash], path[slash..]);
            foreach (var trick in s_pathTricks)
            {
                var tricked = trick(first, rest);
                foreach (var method in new[] { "GET", s_trickMethods[n++ % s_trickMethods.Length] })
                {
                    var authorization = n % 3 == 0 ? "Authorization: Bearer wrong-token-0123456789\r\n" : "";
                    var body = method is "POST" or "PUT" or "DELETE" ? "Content-Length: 0\r\n" : "";
                    yield return $"{method} {tricked} HTTP/1.1\r\nHost: 127.0.0.1\r\n{authorization}{body}Connection: close\r\n\r\n";
                }
            }
        }
    }

    private static async Task<Answer> SendHttpAsync(HttpClient http, Random r, CancellationToken ct)
    {
        var method = new HttpMethod(Pick(r, s_methods));
        var path = RandomPath(r);
        if (r.Next(4) == 0)
        {
            path += "?" + string.Join("&", Enumerable.Range(0, r.Next(1, 6)).Select(_ => $"{Pick(r, s_queryKeys)}={RandomValue(r)}"));
        }

        var what = $"{method} {Shorten(path)}";
        Uri uri;
        try
        {
            uri = new Uri(http.BaseAddress!, path);
        }
        catch (UriFormatException)
        {
            uri = new Uri(http.BaseAddress!, Uri.EscapeDataString(path));
        }

        using var request = new HttpRequestMessage(method, uri);
        var credentialed = false;
        switch (r.Next(6))
        {
            case 5:
            case 0: request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + AccessFactory.Token); credentialed = true; break;
            case 1: request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + RandomValue(r)); break;
            case 2: request.Headers.TryAddWithoutValidation("Authorization", Pick(r, ["Basic Zm9vOmJhcg==", "Bearer", "Bearer  ", "bearer " + AccessFactory.Token + "x", "Token " + AccessFactory.Token, RandomValue(r)])); break;
        }

        if (r.Next(6) == 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", Pick(r, ["dashboard.auth=" + RandomValue(r), "dashboard.antiforgery=" + RandomValue(r), "dashboard.auth=CfDJ8" + new string('A', 400), RandomValue(r)]));
        }

        if (r.Next(6) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-XSRF-TOKEN", RandomValue(r));
        }

        if (r.Next(8) == 0)
        {
            request.Headers.TryAddWithoutValidation("Origin", Pick(r, ["http://evil.example", "null", "http://127.0.0.1", "file://", "http://[::1", RandomValue(r)]));
        }

        if (r.Next(10) == 0)
        {
            request.Headers.TryAddWithoutValidation("Host", Pick(r, ["evil.example", "127.0.0.1", "localhost:1", "xn--e1afmkfd.example", "a..b"]));
        }

        if (r.Next(15) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Big", new string('h', r.Next(1_000, 40_000)));
        }

        if (r.Next(12) == 0)
        {
            for (var h = 0; h < 80; h++)
            {
                request.Headers.TryAddWithoutValidation($"X-Many-{h}", "v");
            }
        }

        if (method != HttpMethod.Get && method != HttpMethod.Head && r.Next(2) == 0)
        {
            var (content, type) = RandomBody(r);
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var body = method == HttpMethod.Head ? "" : await ReadSomeAsync(await response.Content.ReadAsStreamAsync(ct), ct);
            return new Answer(what, (int)response.StatusCode, body, credentialed, response.Headers.Location?.OriginalString, method.Method, uri.AbsolutePath);
        }
        catch (HttpRequestException e)
        {
            // Kestrel may close a connection whose request it refused before reading it all (a big body): not an answer.
            return new Answer(what + $" [{e.Message}]", 0, "", credentialed);
        }
    }

    /// <summary>Bytes no HTTP client would send: broken request lines, headers, framing and encodings.</summary>
    private static Task<Answer> SendRawAsync(int port, Random r, CancellationToken ct)
    {
        string[] lines =
        [
            $"{Pick(r, s_methods)} /{RandomRawPath(r)} HTTP/1.1",
            $"GET /api/status HTTP/{Pick(r, ["1.1", "1.0", "2.0", "9.9", "1", "x"])}",
            $"GET {RandomRawPath(r)}",
            "GET  /api/status  HTTP/1.1",
            "\u0000GET / HTTP/1.1",
            $"GET /api/status?{new string('q', r.Next(100, 20_000))} HTTP/1.1",
            "GET http://evil.example/api/status HTTP/1.1",
            "GET * HTTP/1.1",
            "CONNECT 127.0.0.1:22 HTTP/1.1",
            $"{RandomValue(r)} HTTP/1.1",
        ];
        var requestLine = Pick(r, lines);
        var headers = new List<string> { "Host: " + Pick(r, ["127.0.0.1", "localhost", "evil.example", "", "127.0.0.1:1", "[::1]"]), "Connection: close" };
        switch (r.Next(8))
        {
            case 0: headers.Add("Content-Length: -1"); break;
            case 1: headers.Add("Content-Length: 5"); headers.Add("Content-Length: 7"); break;
            case 2: headers.Add("Transfer-Encoding: chunked"); headers.Add("Content-Length: 3"); break;
            case 3: headers.Add("Transfer-Encoding: chunked"); break;
            case 4: headers.Add("Content-Length: 99999999999999999999"); break;
            case 5: headers.Add("NoColonHere"); break;
            case 6: headers.Add(": empty-name"); break;
            case 7: headers.Add("X-Bytes: \u00ff\u00fe\u0001"); break;
        }

        if (r.Next(3) == 0)
        {
            headers.Add("Authorization: Bearer " + AccessFactory.Token);
        }

        var body = r.Next(3) == 0 ? Pick(r, ["zz\r\nnot-a-chunk\r\n", "0\r\n\r\n", "{\"broken\":", "a=b&c"]) : "";
        return SendRawAsync(port, requestLine + "\r\n" + string.Join("\r\n", headers) + "\r\n\r\n" + body, ct);
    }

    /// <summary>Sends the bytes as they are (Latin-1: one byte per char) and reads the answer until the server closes.</summary>
    private static async Task<Answer> SendRawAsync(int port, string text, CancellationToken ct)
    {
        var what = "raw " + Shorten(text.Replace("\r\n", "\\r\\n"));
        var credentialed = text.Contains("Authorization: Bearer " + AccessFactory.Token + "\r\n", StringComparison.Ordinal);
        var requestLine = text.Split("\r\n")[0].Split(' ');
        var (method, path) = (requestLine[0], requestLine.Length > 1 ? requestLine[1] : "");

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            await socket.SendAsync(Encoding.Latin1.GetBytes(text), SocketFlags.None, timeout.Token);
            var answer = await ReadSomeAsync(new NetworkStream(socket, ownsSocket: false), timeout.Token);
            // No answer at all (a body still awaited when the time ran out) is no 5xx either; anything else starts with a status line.
            if (answer.Length == 0)
            {
                return new Answer(what, 0, "", credentialed);
            }

            var status = answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(answer.AsSpan(9, 3), out var code) ? code : 999;
            var headerEnd = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var head = headerEnd < 0 ? answer : answer[..headerEnd];
            var location = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))?["Location:".Length..].Trim();
            var content = headerEnd < 0 ? "" : Unchunked(head, answer[(headerEnd + 4)..]);
            return new Answer(what, status, content, credentialed, location, method, path);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new Answer(what + $" [{e.GetType().Name}]", 0, "", credentialed);
        }
    }

    /// <summary>The body of a raw answer; a chunked one is put together so that it can be recognised.</summary>
    private static string Unchunked(string head, string body)
    {
        if (!head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

        var text = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0 || !int.TryParse(body.AsSpan(at, lineEnd - at).Trim(), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0)
            {
                break;
            }

            text.Append(body, lineEnd + 2, Math.Min(size, body.Length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }

        return text.ToString();
    }

    private static string RandomPath(Random r)
    {
        if (r.Next(2) == 0)
        {
            var parts = Pick(r, s_routes).Split("{}");
            return string.Concat(parts.Select((p, i) => i == 0 ? p : RandomId(r) + p));
        }

        return "/" + string.Join("/", Enumerable.Range(0, r.Next(1, 6)).Select(_ => r.Next(12) == 0 ? new string('a', r.Next(300, 12_000)) : Pick(r, s_segments)));
    }

    private static string RandomId(Random r) => r.Next(4) switch
    {
        0 => r.Next(1, 50).ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => Pick(r, ["net", "pid", "user", "mnt", "NET", "4026531840", "4026531992"]),
        2 => new string('f', r.Next(1, 5000)),
        _ => Pick(r, s_segments),
    };

    private static string RandomRawPath(Random r) => string.Join("/", Enumerable.Range(0, r.Next(1, 5)).Select(_ => Pick(r, s_segments)))
        + Pick(r, ["", "?", "#frag", "?a=%", "/../../../../etc/passwd", "\\..\\", "%", "\u00e9", "\t"]);

    private static string RandomValue(Random r) => r.Next(6) switch
    {
        0 => new string('v', r.Next(1, 20_000)),
        1 => Uri.EscapeDataString(Encoding.Latin1.GetString(Enumerable.Range(0, r.Next(1, 40)).Select(_ => (byte)r.Next(256)).ToArray())),
        2 => Pick(r, ["", "%", "%00", "-1", "0", "NaN", "1e308", "2026-13-45", "9999-12-31T23:59:59Z", "true", "[]", "{}", "null"]),
        3 => "https://evil.example/",
        4 => Pick(r, s_segments),
        _ => r.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static (byte[] Content, string Type) RandomBody(Random r) => r.Next(7) switch
    {
        0 => (Encoding.UTF8.GetBytes("{\"snapshot\":"), "application/json"),
        1 => (Encoding.UTF8.GetBytes("[" + new string('[', 5000)), "application/json"),
        2 => (Encoding.UTF8.GetBytes("token=" + RandomValue(r) + "&returnUrl=//evil.example"), "application/x-www-form-urlencoded"),
        3 => (Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nabc"), "multipart/form-data; boundary=x"),
        4 => (new byte[r.Next(70_000, 300_000)], "application/octet-stream"),
        5 => (Enumerable.Range(0, r.Next(1, 2000)).Select(_ => (byte)r.Next(256)).ToArray(), Pick(r, ["application/json", "text/plain", "application/x-www-form-urlencoded", "bogus/x;;="])),
        _ => ([], "application/json; charset=utf-99"),
    };

    private static async Task<string> ReadSomeAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        return Encoding.Latin1.GetString(buffer, 0, total);
    }

    private static T Pick<T>(Random r, T[] items) => items[r.Next(items.Length)];

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + $"… ({text.Length} chars)";
}
