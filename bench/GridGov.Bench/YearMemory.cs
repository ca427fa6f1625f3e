using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;

namespace GridGov.Bench;

/// <summary>
/// The service's memory on a county's year (issue 16): the real service in a process of its own (the built
/// GridGov.Api, as `./gridgov run` starts it) against the year's database with the crew simulator on; its resident
/// set after start, after rounds of the year's heavy reads (indicators, lists, CSV exports, tiles), and sampled
/// through a soak of GRIDGOV_YEAR_SOAK_MINUTES (default 10) of the simulator with the reads repeating.
/// </summary>
internal static class YearMemory
{
    public static async Task RunAsync(string yearDb, IReadOnlyList<string> reads)
    {
        var minutes = double.TryParse(Environment.GetEnvironmentVariable("GRIDGOV_YEAR_SOAK_MINUTES"), CultureInfo.InvariantCulture, out var m) ? m : 10;
        var api = Path.Combine(RepoRoot(), "src", "GridGov.Api", "bin", "Release", "net10.0");
        var port = BenchHost.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(api, "GridGov.Api.dll")])
        {
            WorkingDirectory = api,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__GridGov"] = yearDb;
        start.Environment["Jwt__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        start.Environment["GridGov__LoadDemo"] = "true";
        start.Environment["Simulator__Enabled"] = "true";
        start.Environment["Auth__LoginPermitsPerMinute"] = "100000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var service = Process.Start(start)!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, _) => { };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
            for (var tries = 0; ; tries++)
            {
                try
                {
                    if ((await client.GetAsync("/health")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) when (tries < 240) { }
                if (tries >= 240) throw new InvalidOperationException("the service did not become ready in 2 minutes");
                await Task.Delay(500);
            }
            var token = (await (await client.PostAsJsonAsync("/api/auth/token", new { username = "leader", password = "gridgov-demo" }))
                .Content.ReadFromJsonAsync<BenchHost.TokenDto>())!.AccessToken;
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var afterStart = Rss(service);

            async Task RoundAsync()
            {
                foreach (var path in reads)
                {
                    using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    await body.CopyToAsync(Stream.Null);
                }
            }
            for (var i = 0; i < 3; i++) await RoundAsync();
            var afterReads = Rss(service);

            var samples = new List<double>();
            var watch = Stopwatch.StartNew();
            var rounds = 0;
            var nextSample = TimeSpan.Zero;
            while (watch.Elapsed < TimeSpan.FromMinutes(minutes))
            {
                await RoundAsync();
                rounds++;
                if (watch.Elapsed >= nextSample)
                {
                    samples.Add(Rss(service));
                    Console.Error.WriteLine($"[bench year] soak {watch.Elapsed.TotalMinutes:0.0} of {minutes:0} min: RSS {samples[^1]:0} MB");
                    nextSample += TimeSpan.FromSeconds(30);
                }
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            var end = Rss(service);
            Console.WriteLine();
            Console.WriteLine("| the service's resident set (its own process, the year's database, simulator on) | MB |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| after start | {afterStart:0} |");
            Console.WriteLine($"| after 3 rounds of the year's reads ({reads.Count} reads each, CSV exports included) | {afterReads:0} |");
            Console.WriteLine($"| after a soak of {minutes:0} min ({rounds} more rounds) | {end:0} |");
            Console.WriteLine($"| highest sample in the soak (every 30 s) | {(samples.Count > 0 ? samples.Max() : end):0} |");
            Console.WriteLine($"| target | < 400 |");
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
            }
        }
    }

    /// <summary>Resident set size in MB, from /proc.</summary>
    private static double Rss(Process process)
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        throw new InvalidOperationException("no VmRSS in /proc status");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "gridgov")) && Directory.Exists(Path.Combine(dir.FullName, "src", "GridGov.Api")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find the repository (the gridgov script) above " + AppContext.BaseDirectory);
    }
}
