using System.Diagnostics;
using Microsoft.Playwright;

namespace GridGov.Bench;

/// <summary>
/// First loads in Debian's headless Chromium on DevTools' "Fast 3G" profile as Lighthouse applies it (562.5 ms
/// round trip, 1.47 Mbit/s down, 675 kbit/s up), each in a fresh context (nothing cached), timed from navigation to
/// the page saying it is ready for input; and the bytes of JS and CSS it took, as sent (compressed).
/// </summary>
internal static class PhoneLoad
{
    private const double LatencyMs = 562.5;
    private const double DownBytesPerS = 1.6 * 1024 * 1024 / 8 * 0.9;
    private const double UpBytesPerS = 750 * 1024 / 8 * 0.9;

    public static async Task RunAsync(BenchHost.Service service)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("GRIDGOV_CHROMIUM") is { Length: > 0 } chromium ? chromium : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var pages = new (string Name, string Path, string Ready, bool Phone)[]
        {
            // The sign-in form with its script bound (module scripts have run once the document is complete).
            ("crew app /m/ (phone 390×844)", "m/", "() => document.readyState === 'complete' && !!document.querySelector('#login-form')", true),
            // The first step's buttons are live; the map (MapLibre, loaded lazily) draws after.
            ("resident page /report: form", "report", "() => document.body.dataset.step === 'where'", true),
            ("resident page /report: map drawn", "report", "() => document.body.dataset.mapReady === 'true'", true),
            ("baseline: desktop map / (sign-in)", "", "() => !!document.querySelector('#login-submit') && document.readyState === 'complete'", false),
        };
        Console.WriteLine($"profile: RTT {LatencyMs} ms, down {DownBytesPerS * 8 / 1e6:0.00} Mbit/s, up {UpBytesPerS * 8 / 1e6:0.00} Mbit/s; 3 cold loads each");
        Console.WriteLine($"{"page",-38} {"to interactive (median)",24} {"JS+CSS as sent",16} {"all bytes",12}");
        foreach (var (name, path, ready, phone) in pages)
        {
            if (!File.Exists(Path.Combine(BenchHost.ApiContentRoot(), "wwwroot", path.TrimEnd('/'), "index.html")))
            {
                Console.WriteLine($"{name,-38} skipped: wwwroot/{path.TrimEnd('/')}/index.html is not built");
                continue;
            }
            var times = new List<double>();
            long scripts = 0, all = 0;
            for (var run = 0; run < 3; run++)
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
                {
                    ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 800 },
                    IsMobile = phone, HasTouch = phone, Locale = "zh-CN", ServiceWorkers = ServiceWorkerPolicy.Block,
                });
                var page = await context.NewPageAsync();
                var cdp = await context.NewCDPSessionAsync(page);
                await cdp.SendAsync("Network.enable");
                await cdp.SendAsync("Network.setCacheDisabled", new Dictionary<string, object> { ["cacheDisabled"] = true });
                await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
                {
                    ["offline"] = false, ["latency"] = LatencyMs, ["downloadThroughput"] = DownBytesPerS, ["uploadThroughput"] = UpBytesPerS,
                });
                var types = new Dictionary<string, string>();
                long js = 0, total = 0;
                cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
                {
                    if (e is { } v) types[v.GetProperty("requestId").GetString()!] = v.GetProperty("type").GetString() ?? "";
                };
                cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
                {
                    if (e is not { } v) return;
                    var bytes = (long)v.GetProperty("encodedDataLength").GetDouble();
                    total += bytes;
                    if (types.GetValueOrDefault(v.GetProperty("requestId").GetString()!) is "Script" or "Stylesheet") js += bytes;
                };
                var watch = Stopwatch.StartNew();
                await page.GotoAsync(new Uri(new Uri($"http://127.0.0.1:{service.Port}/"), path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = 120_000 });
                await page.WaitForFunctionAsync(ready, null, new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 20 });
                times.Add(watch.Elapsed.TotalMilliseconds);
                await Task.Delay(300); // the last loadingFinished events
                (scripts, all) = (js, total);
            }
            times.Sort();
            Console.WriteLine($"{name,-38} {times[1],21:0} ms {scripts / 1024.0,13:0.0} kB {all / 1024.0,9:0.0} kB");
        }
        Console.WriteLine("targets: crew app < 3 s to interactive, JS+CSS < 300 kB compressed");
    }
}
