namespace Dashboard.Server.Configuration;

/// <summary>The <c>Dashboard</c> configuration section (environment: <c>Dashboard__ProcRoot</c>, …).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The proc filesystem to scan: <c>/proc</c>, or the host's (e.g. <c>/host/proc</c>) in a container.</summary>
    public string ProcRoot { get; set; } = "/proc";

    /// <summary>
    /// The Docker engine: <c>unix:///path/docker.sock</c>, <c>tcp://host:port</c> or <c>http://…</c>; or several separated
    /// by <c>;</c>, tried in order at every (re)connection, the first that answers being used.
    /// </summary>
    public string DockerEndpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>The SQLite file, relative to the working directory unless absolute.</summary>
    public string DatabasePath { get; set; } = "data/dashboard.db";

    /// <summary>
    /// The token that lets a browser log in (it then gets a cookie) and scripts call the API (<c>Authorization: Bearer</c>).
    /// Empty: one is generated at every start and its login URL printed, unless <see cref="OpenOnLoopback"/> is set.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>A file holding the access token (e.g. a Docker secret), so that it stays out of the environment.</summary>
    public string? AccessTokenFile { get; set; }

    /// <summary>
    /// Runs without a token, open to every user and program on this machine, while every address the server listens on
    /// is loopback; with any other address the server refuses to start. Not together with a token.
    /// </summary>
    public bool OpenOnLoopback { get; set; }

    /// <summary>
    /// Host names the dashboard answers to besides IP addresses, <c>localhost</c> and the names it listens on, separated
    /// by <c>;</c>: <c>dash.example.com;*.lan</c>, or <c>*</c> for any. Other <c>Host</c> headers are refused (DNS rebinding).
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>
    /// The reverse proxies (IP addresses or CIDR ranges, separated by <c>;</c>) whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> are believed. Empty: none.
    /// </summary>
    public string? ForwardedHeaders { get; set; }

    /// <summary>How many requests one client may make to the API, the hub and the login page.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>How long one call to the engine may take before the engine counts as unavailable.</summary>
    public TimeSpan DockerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the safety-net full rescan runs: every process, mount table, open descriptor and network namespace
    /// read afresh. It catches what no event reports (a <c>setns</c> without an exec, a namespace kept only by a
    /// descriptor opened since). Between rescans the kernel's and the engine's events drive the updates.
    /// </summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Where an event source cannot be opened (no capability, an older kernel, a proc root that is not the live one),
    /// how often what it covers is read again instead: all processes, all mount tables, or all network namespaces.
    /// </summary>
    public TimeSpan FallbackScanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many unsent items a live subscriber may fall behind by before it is dropped (it then resubscribes).</summary>
    public int LiveSubscriberBuffer { get; set; } = 64;

    /// <summary>
    /// How often every process's open descriptors are read (namespaces held only by an fd, socket owners) and every
    /// process's status and cmdline reread: a full pass, also made by each <see cref="ScanInterval"/> rescan. On a host
    /// with many open files this pass costs more than the rest of a scan.
    /// </summary>
    public TimeSpan DescriptorScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a snapshot is taken even when nothing changed (it then costs a row, not a copy).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long containers, namespaces and the topology must stay unchanged after a change before a snapshot is
    /// taken (so a burst of changes gives one snapshot); a continuous stream of changes still gets one per this period.
    /// </summary>
    public TimeSpan SnapshotDebounce { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where the pages run once the browser has the server's HTML: <see cref="PageRenderMode.Auto"/> (on the server over
    /// a WebSocket at once, in WebAssembly from the next visit once the browser has cached it),
    /// <see cref="PageRenderMode.WebAssembly"/> (in the browser only: nothing but the hub and the API once it started),
    /// or <see cref="PageRenderMode.Server"/> (on the server only).
    /// </summary>
    public PageRenderMode RenderMode { get; set; } = PageRenderMode.Auto;

    /// <summary>Which snapshots are kept; the rest are removed in the background.</summary>
    public RetentionOptions Retention { get; set; } = new();
}

/// <summary>The <c>Dashboard:Retention</c> section. Both limits apply; null means no limit of that kind.</summary>
public sealed class RetentionOptions
{
    /// <summary>Snapshots older than this are removed.</summary>
    public TimeSpan? MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>At most this many snapshots are kept, the newest.</summary>
    public int? MaxCount { get; set; } = 10_000;
}

/// <summary>The <c>Dashboard:RateLimit</c> section: a token bucket per client address.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests a client may make at once before it is slowed down.</summary>
    public int Burst { get; set; } = 1000;

    /// <summary>Requests per second a client gets back after a burst.</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Wrong access tokens a client may send, on any path, before its requests with a token are refused.</summary>
    public int FailureBurst { get; set; } = 20;

    /// <summary>Wrong access tokens per minute a client gets back after its budget is spent.</summary>
    public int FailuresPerMinute { get; set; } = 6;
}

/// <summary>The values of <c>Dashboard:RenderMode</c>.</summary>
public enum PageRenderMode
{
    Auto,
    WebAssembly,
    Server,
}
