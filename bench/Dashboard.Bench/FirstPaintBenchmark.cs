using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Client.Model;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.Bench;

/// <summary>
/// The first load of the pages as a user meets it (issue 14): Debian's Chromium through Playwright, a fresh browser
/// context per load (cold cache), against a server given by path (a published build, or a build output), at the
/// tutorial's scale (web1 and web2 on one network) and at 300 containers. Per load, counted from navigation start in
/// the page's own clock: the first row of the table, every row, the Live badge, the moment typing in the filter
/// narrows the rows (Containers page), and the bytes on the wire with how they were encoded.
/// After the Live badge, on the Containers page: how long a click on "Namespaces" in the menu takes to show that table.
/// Each scale runs once per render mode asked for (<c>--modes Auto,WebAssembly</c>; default: Auto and WebAssembly),
/// against one server started per mode, so the modes are compared in one run on one fleet.
/// Run with <c>firstpaint &lt;Dashboard.Server.dll&gt; [containers …] [--modes …]</c>; see docs/benchmarks.md.
/// </summary>
internal static class FirstPaintBenchmark
{
    private const string Prefix = "dt-bench-fp-";
    private const string Label = "dashboard.test=bench-firstpaint";
    private const int Loads = 5;
    // A name of its own per run: Docker 20.10 can keep a removed fleet's endpoints on a network, which then refuses
    // to go until the engine restarts, and would block the next run's "network create".
    private static readonly string s_network = $"{Prefix}mynetwork-{Guid.NewGuid().ToString("N")[..6]}";
    private static readonly TimeSpan s_pageTimeout = TimeSpan.FromSeconds(90);
    private static bool s_timeline;

    // Records, in performance.now() (milliseconds from navigation start), when the page first shows a row, every
    // expected row and the Live badge; each one read in the next animation frame, which is about when it is painted.
    private const string Probe = """
        (() => {
          const fp = window.__fp = {};
          const mark = (name) => { if (!(name in fp)) { fp[name] = -1; requestAnimationFrame(() => fp[name] = performance.now()); } };
          const check = () => {
            const rows = document.querySelectorAll("[data-testid^='container-row-'],[data-testid^='ns-row-']").length;
            if (rows > 0) mark('first');
            if (rows >= (window.__fpExpect || 1e9)) mark('all');
            if (document.querySelector("[data-testid='status-live'][data-state='Live']")) mark('live');
            if (document.querySelector("[data-app='interactive']")) mark('app');
          };
          new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
          new PerformanceObserver(list => {
            for (const e of list.getEntries()) if (e.name === 'first-contentful-paint' && !('fcp' in fp)) fp.fcp = e.startTime;
          }).observe({ type: 'paint', buffered: true });
          window.__fpLong = [];
          new PerformanceObserver(list => {
            for (const e of list.getEntries()) window.__fpLong.push([Math.round(e.startTime), Math.round(e.duration)]);
          }).observe({ type: 'longtask', buffered: true });
        })();
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || !File.Exists(args[1]))
        {
            Console.Error.WriteLine("usage: firstpaint <Dashboard.Server.dll> [containers …] (e.g. a `dotnet publish -c Release` output)");
            return 2;
        }

        var dll = Path.GetFullPath(args[1]);
        var rest = args[2..].ToList();
        string[] modes = ["Auto", "WebAssembly"];
        if (rest.IndexOf("--modes") is var at and >= 0 && at + 1 < rest.Count)
        {
            modes = rest[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            rest.RemoveRange(at, 2);
        }

        // --timeline: each load also prints when every resource started and ended, what went on the wire, and the
        // main thread's long tasks (where the time to interactive goes).
        s_timeline = rest.Remove("--timeline");
        int[] scales = rest.Count > 0 ? [.. rest.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [2, 300];
        Cleanup();
        await Shell.RunAsync("docker", "network", "create", "--label", Label, s_network);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Console.WriteLine($"host: {Environment.ProcessorCount} cores, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, Chromium {browser.Version}, server {dll}");
        var results = new List<string>();
        var started = 0;
        try
        {
            foreach (var scale in scales)
            {
                started += await StartContainersAsync(started, scale - started);
                foreach (var mode in modes)
                {
                    var dataDir = Directory.CreateTempSubdirectory("dashboard-bench-fp-").FullName;
                    var port = LiveBenchmark.FreePort();
                    var address = new Uri($"http://127.0.0.1:{port}/");
                    using var server = LiveBenchmark.StartServer(dll, port, dataDir, quiet: true, "--Dashboard:RenderMode", mode);
                    try
                    {
                        await LiveBenchmark.WaitForServerAsync(address, server);
                        using var http = new HttpClient { BaseAddress = address };
                        var containers = (await http.GetFromJsonAsync<List<ContainerInfo>>("api/containers"))!.Count;
                        var namespaces = (await http.GetFromJsonAsync<JsonElement>("api/namespaces")).GetArrayLength();
                        Console.WriteLine($"[{scale}, {mode}] {containers} containers, {namespaces} namespaces; load {File.ReadAllText("/proc/loadavg").Trim()}");
                        var containerLoads = new List<Load>();
                        var namespaceLoads = new List<Load>();
                        for (var i = 0; i < Loads; i++)
                        {
                            // "All rows" are those of the first page: the tables show Dashboard.Client.Model.TablePaging.PageSize at a time.
                            containerLoads.Add(await LoadAsync(browser, address, "containers", Math.Min(containers, TablePaging.PageSize), $"{Prefix}web1", navigate: true));
                            namespaceLoads.Add(await LoadAsync(browser, address, "namespaces", Math.Min(namespaces, TablePaging.PageSize), null));
                        }

                        results.Add(Summary($"Containers page, {containers} containers, {mode}", containerLoads));
                        results.Add(Summary($"Namespaces page, {namespaces} namespaces, {mode}", namespaceLoads));
                    }
                    finally
                    {
                        server.Kill(entireProcessTree: true);
                        await server.WaitForExitAsync();
                        Directory.Delete(dataDir, recursive: true);
                    }
                }
            }
        }
        finally
        {
            Cleanup();
        }

        Console.WriteLine();
        Console.WriteLine("| page | HTML arrived | first paint | first row | all rows | app runs (renderer) | first big WebSocket frame | Live badge | filter narrows | to Namespaces | bytes on the wire (decoded) | encodings |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var line in results)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private sealed record Load(
        double Document, double Contentful, double First, double All, double App, double Frame, double Live, double? Filter, double? Navigate,
        string Renderer, long Wire, long Decoded, string Encodings);

    private static async Task<Load> LoadAsync(IBrowser browser, Uri address, string path, int expected, string? filterFor, bool navigate = false)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
        });
        await context.AddInitScriptAsync($"window.__fpExpect = {expected};\n{Probe}");
        var page = await context.NewPageAsync();
        var responses = new List<IResponse>();
        // When the first big WebSocket frame arrived (the hub's snapshot in WebAssembly; on the server, a render batch), on the bench's clock from the navigation's start.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var frameAt = double.NaN;
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            if (double.IsNaN(frameAt) && (frame.Text?.Length ?? frame.Binary?.Length ?? 0) > 4096)
            {
                frameAt = clock.Elapsed.TotalMilliseconds;
            }
        };
        page.Response += (_, response) => responses.Add(response);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Console.WriteLine($"  browser {message.Type}: {message.Text}");
            }
        };
        clock.Restart();
        await page.GotoAsync(new Uri(address, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        double? filter = null;
        if (filterFor is not null)
        {
            // As a user would: type into the filter as soon as it is there, again until the rows narrow to one.
            var input = page.GetByTestId("container-filter");
            var deadline = DateTime.UtcNow + s_pageTimeout;
            while (DateTime.UtcNow < deadline)
            {
                await input.FillAsync(filterFor, new LocatorFillOptions { Timeout = (float)s_pageTimeout.TotalMilliseconds });
                var narrowed = await page.EvaluateAsync<double?>(
                    """
                    ([name]) => new Promise(resolve => {
                      const done = () => {
                        const rows = document.querySelectorAll("[data-testid^='container-row-']");
                        return rows.length === 1 && rows[0].getAttribute('data-testid') === 'container-row-' + name;
                      };
                      const t0 = performance.now();
                      const tick = () => done() ? resolve(performance.now()) : performance.now() - t0 > 200 ? resolve(null) : requestAnimationFrame(tick);
                      tick();
                    })
                    """,
                    new object[] { filterFor });
                if (narrowed is { } at)
                {
                    filter = at;
                    break;
                }
            }

            await input.FillAsync("");
        }

        await page.WaitForFunctionAsync("() => window.__fp && window.__fp.all > 0 && window.__fp.live > 0", null,
            new PageWaitForFunctionOptions { Timeout = (float)s_pageTimeout.TotalMilliseconds, PollingInterval = 50 });
        var marks = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__fp");
        var renderer = await page.Locator("[data-app]").GetAttributeAsync("data-renderer") ?? "?";
        double? navigated = null;
        if (navigate)
        {
            // As a user would: the menu's link, then the other table's first row drawn.
            navigated = await page.EvaluateAsync<double?>(
                """
                () => new Promise(resolve => {
                  const link = [...document.querySelectorAll('a')].find(a => a.getAttribute('href') === 'namespaces');
                  if (!link) { resolve(null); return; }
                  const t0 = performance.now();
                  link.click();
                  const tick = () => document.querySelector("[data-testid^='ns-row-']") ? resolve(performance.now() - t0)
                    : performance.now() - t0 > 30000 ? resolve(null) : requestAnimationFrame(tick);
                  tick();
                })
                """);
        }

        // When the page's HTML had arrived, and when the browser first painted anything: what a prerendered page costs.
        var document = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].responseEnd");
        // Let the page settle (the hub's first frame, lazy files) before the bytes are counted.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        long wire = 0, decoded = 0;
        var encodings = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var response in responses.ToArray())
        {
            var sizes = await response.Request.SizesAsync();
            wire += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            var encoding = await response.HeaderValueAsync("content-encoding") ?? "identity";
            encodings[encoding] = encodings.GetValueOrDefault(encoding) + 1;
            if (encoding == "identity")
            {
                decoded += sizes.ResponseBodySize;
            }
            else
            {
                try
                {
                    decoded += (await response.BodyAsync()).Length;
                }
                catch (PlaywrightException)
                {
                    // A body Chromium no longer holds (a redirect, a stream): counted on the wire only.
                }
            }
        }

        if (s_timeline)
        {
            var timeline = await page.EvaluateAsync<string>(
                """
                () => performance.getEntriesByType('resource').map(e =>
                    `    ${Math.round(e.startTime)}-${Math.round(e.responseEnd)} ms ${e.initiatorType} ${Math.round(e.transferSize / 1024)} KiB ${new URL(e.name).pathname}`).join('\n')
                  + '\n    long tasks (start, ms): ' + window.__fpLong.map(([s, d]) => `${s}+${d}`).join(' ')
                """);
            Console.WriteLine(timeline);
        }

        var load = new Load(document, marks.GetValueOrDefault("fcp", double.NaN), marks["first"], marks["all"], marks.GetValueOrDefault("app", double.NaN), frameAt, marks["live"], filter, navigated, renderer, wire, decoded,
            string.Join(", ", encodings.Select(e => $"{e.Key} {e.Value}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  /{path}: HTML {load.Document:0} ms, first paint {load.Contentful:0} ms, first row {load.First:0} ms, all {expected} rows {load.All:0} ms, app {load.App:0} ms ({renderer}), first big frame {load.Frame:0} ms, Live {load.Live:0} ms{(filter is { } f ? $", filter narrows {f:0} ms" : "")}{(navigated is { } n ? $", to Namespaces {n:0} ms" : "")}, " +
            $"{wire / 1024.0:0} KiB on the wire ({decoded / 1024.0:0} KiB decoded; {load.Encodings})"));
        return load;
    }

    private static string Summary(string what, List<Load> loads)
    {
        static string Range(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return string.Create(CultureInfo.InvariantCulture, $"{Stats.Percentile(sorted, 0.5):0} ms ({sorted[0]:0}–{sorted[^1]:0})");
        }

        var filters = loads.Where(l => l.Filter is not null).Select(l => l.Filter!.Value).ToArray();
        var navigations = loads.Where(l => l.Navigate is not null).Select(l => l.Navigate!.Value).ToArray();
        var renderers = string.Join("/", loads.Select(l => l.Renderer).Distinct());
        return string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {Range(loads.Select(l => l.Document))} | {Range(loads.Select(l => l.Contentful))} | {Range(loads.Select(l => l.First))} | {Range(loads.Select(l => l.All))} | {Range(loads.Select(l => l.App))} ({renderers}) | {Range(loads.Select(l => l.Frame))} | {Range(loads.Select(l => l.Live))} | " +
            $"{(filters.Length > 0 ? Range(filters) : "—")} | {(navigations.Length > 0 ? Range(navigations) : "—")} | {loads.Average(l => l.Wire) / 1048576.0:0.00} MiB ({loads.Average(l => l.Decoded) / 1048576.0:0.00} MiB) | {loads[0].Encodings} |");
    }

    private static async Task<int> StartContainersAsync(int first, int count)
    {
        if (count <= 0)
        {
            return 0;
        }

        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var n = first + i;
            // The tutorial's two first: web1 and web2 on one user network.
            var name = n < 2 ? $"{Prefix}web{n + 1}" : $"{Prefix}c{n}";
            await Shell.RunAsync("docker", "run", "-d", "--label", Label, "--network", s_network, "--name", name, DockerScope.Image, "sleep", "1d");
        });
        return count;
    }

    private static void Cleanup() => Shell.RunAsync("sh", ["-c",
        $"docker ps -aq --filter label={Label} | xargs -r -P 8 -n 20 docker rm -f >/dev/null; " +
        $"docker network ls -q --filter label={Label} | xargs -r docker network rm >/dev/null"], check: false).GetAwaiter().GetResult();
}
