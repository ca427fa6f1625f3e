using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace GridGov.Bench;

/// <summary>
/// Issue 3's figures: HTTP intake (validation, routing, duplicate check, persistence with its history row) driven by
/// wrk at full speed, then at half that rate with a constant-rate client for latency; beside pgbench running the
/// equivalent single INSERT … SELECT with the ST_Contains grid lookup into the same incidents table, same run.
/// </summary>
internal static class IngestBench
{
    private const int Seconds = 10;
    private static readonly string[] Categories = ["06002", "06001", "03006", "09001", "09004", "01037", "07001", "04002", "06003", "09002"];

    public static async Task RunAsync()
    {
        var db = BenchHost.Required("GRIDGOV_BENCH_DB");
        var pgUrl = BenchHost.Required("GRIDGOV_BENCH_PGURL");
        Step("starting GridGov on the bench database (migrate + demo county) ...");
        await using var service = await BenchHost.Service.StartAsync(db, "dispatcher");
        var (dataSource, client, port, token) = (service.DataSource, service.Client, service.Port, service.Token);
        var (minX, minY, maxX, maxY) = await CountyBox(dataSource);

        Step("warming up (1,000 reports) ...");
        await ConstantRate(client, 1000, 2, minX, minY, maxX, maxY, "warm");

        await CheckpointAsync(dataSource);
        Step($"pgbench: INSERT … SELECT with ST_Contains into incidents, 32 clients, {Seconds} s ...");
        var pg = await PgbenchAsync(pgUrl, minX, minY, maxX, maxY);

        await CheckpointAsync(dataSource);
        Step($"wrk: POST /api/incidents at full speed, 2 threads, 64 connections, {Seconds} s ...");
        var before = await Count(dataSource);
        var (rate, non2xx) = await WrkAsync(port, token, minX, minY, maxX, maxY);
        await Task.Delay(500);
        var stored = await Count(dataSource) - before;

        var half = rate / 2;
        await CheckpointAsync(dataSource);
        Step($"constant rate {half:N0}/s, 2 s warm-up then {Seconds} s measured, latency from each request's scheduled start ...");
        var (sent, p50, p99, errors) = await ConstantRate(client, half, Seconds, minX, minY, maxX, maxY, "half", warmUpSeconds: 2);

        Console.WriteLine();
        Console.WriteLine("| figure | measured | baseline (same run) | ratio |");
        Console.WriteLine("|---|---:|---|---:|");
        Console.WriteLine($"| HTTP intake, full speed (wrk 64 connections) | {rate:N0} incidents/s ({stored:N0} stored, {non2xx} non-2xx) | pgbench INSERT…SELECT + ST_Contains, 32 clients: {pg:N0}/s | {rate / pg:0.00}x |");
        Console.WriteLine($"| HTTP intake at half that rate ({half:N0}/s, {sent:N0} sent, {errors} errors) | p50 {p50:0.0} ms, p99 {p99:0.0} ms | | |");
        Console.WriteLine("Targets (issue 3): >= 5,000 incidents/s sustained, >= 0.6x the pgbench rate, p99 < 20 ms at half the maximum rate.");
    }

    private static string Body(Random random, double minX, double minY, double maxX, double maxY, string key) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"clientRequestId":"{{key}}","category":"{{Categories[random.Next(Categories.Length)]}}","source":"hotline","lon":{{minX + random.NextDouble() * (maxX - minX):0.0000000}},"lat":{{minY + random.NextDouble() * (maxY - minY):0.0000000}},"description":"bench"}""");

    /// <summary>An open-model load: request i is due at start + i/rate; latency counts from when it was due.</summary>
    private static async Task<(int Sent, double P50, double P99, int Errors)> ConstantRate(HttpClient client, double rate, int seconds,
        double minX, double minY, double maxX, double maxY, string tag, int warmUpSeconds = 0)
    {
        // The first warmUpSeconds run at the same rate (the client's threads and connections ramp up) and are not counted.
        var skip = (int)(rate * warmUpSeconds);
        var total = skip + (int)(rate * seconds);
        var latencies = new double[total];
        var errors = 0;
        var random = new Random(42);
        var run = Guid.NewGuid().ToString("N")[..6];
        var bodies = Enumerable.Range(0, total).Select(i => Body(random, minX, minY, maxX, maxY, $"{tag}-{run}-{i}")).ToArray();
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = i / rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0.001) await Task.Delay(TimeSpan.FromSeconds(wait));
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                using var response = await client.PostAsync("/api/incidents", new StringContent(bodies[index], Encoding.UTF8, "application/json"));
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                latencies[index] = (clock.Elapsed.TotalSeconds - due) * 1000;
            }));
        }
        await Task.WhenAll(tasks);
        var counted = latencies[skip..];
        Array.Sort(counted);
        var n = counted.Length;
        return (n, counted[(int)(n * 0.50)], counted[Math.Min(n - 1, (int)(n * 0.99))], errors);
    }

    private static async Task<double> PgbenchAsync(string pgUrl, double minX, double minY, double maxX, double maxY)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var script = Path.Combine(Path.GetTempPath(), "gridgov-ingest.sql");
        await File.WriteAllTextAsync(script, $"""
            \set x random(0, 1000000)
            \set y random(0, 1000000)
            INSERT INTO incidents (request_key, request_hash, category_code, source, status, location, channel, unit_grid_code, large_grid_code, team_id, role, routing, routing_note, reported_at, updated_at, deadline_rule, rework_count) SELECT 'pgb:' || gen_random_uuid(), '\x00', '06002', 'Hotline', CASE WHEN u.code IS NULL THEN 'Unrouted' ELSE 'Reported' END, pt.p, 'pgbench', u.code, u.parent_code, l.team_id, 'Sanitation', CASE WHEN u.code IS NULL THEN 'Unrouted' ELSE 'InGrid' END, 'pgbench', now(), now(), '1 workingDays', 0 FROM (SELECT ST_SetSRID(ST_MakePoint({F(minX)} + :x * {F((maxX - minX) / 1e6)}, {F(minY)} + :y * {F((maxY - minY) / 1e6)}), 4490) AS p) pt LEFT JOIN LATERAL (SELECT g.code, g.parent_code FROM grids g WHERE g.level = 'Unit' AND ST_Contains(g.geometry, pt.p) LIMIT 1) u ON true LEFT JOIN grids l ON l.code = u.parent_code;

            """);
        var output = await BenchHost.RunAsync("pgbench", $"-n -M prepared -c 32 -j 2 -T {Seconds} -f {script} \"{pgUrl}\"");
        var match = BenchHost.TpsRegex().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException("pgbench printed no tps:\n" + output);
    }

    private static async Task<(double Rate, string Non2xx)> WrkAsync(int port, string token, double minX, double minY, double maxX, double maxY)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var script = Path.Combine(Path.GetTempPath(), "gridgov-ingest.lua");
        var categories = string.Join(", ", Categories.Select(c => $"\"{c}\""));
        await File.WriteAllTextAsync(script, $$"""
            local counter = 0
            local threads = 0
            local categories = { {{categories}} }
            function setup(thread)
              threads = threads + 1
              thread:set("tid", threads)
            end
            function init(args)
              math.randomseed(tid * 7919)
            end
            request = function()
              counter = counter + 1
              local lon = {{F(minX)}} + math.random() * {{F(maxX - minX)}}
              local lat = {{F(minY)}} + math.random() * {{F(maxY - minY)}}
              local body = string.format('{"clientRequestId":"wrk-%d-%d-%d","category":"%s","source":"hotline","lon":%.7f,"lat":%.7f,"description":"bench"}',
                tid, os.time(), counter, categories[math.random(#categories)], lon, lat)
              return wrk.format("POST", "/api/incidents", { ["Authorization"] = "Bearer {{token}}", ["Content-Type"] = "application/json" }, body)
            end
            """);
        var output = await BenchHost.RunAsync("wrk", $"-t2 -c64 -d{Seconds}s -s {script} http://127.0.0.1:{port}/");
        var match = BenchHost.WrkRegex().Match(output);
        var non2xx = System.Text.RegularExpressions.Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } m ? m.Groups[1].Value : "0";
        return match.Success ? (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), non2xx) : throw new InvalidOperationException("wrk printed no rate:\n" + output);
    }

    private static async Task<long> Count(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM incidents WHERE channel <> 'pgbench'");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<(double, double, double, double)> CountyBox(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geometry)::geometry e FROM grids WHERE level = 'Unit') x");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3));
    }

    /// <summary>
    /// A CHECKPOINT before each phase, as one does before a pgbench run: the pages the previous phase dirtied are
    /// written and synced now, not by the kernel's writeback in the middle of the next phase (seen: 160 MB flushed at
    /// once, stalling every commit for ~50-100 ms).
    /// </summary>
    private static async Task CheckpointAsync(NpgsqlDataSource db)
    {
        try
        {
            await using var cmd = db.CreateCommand("CHECKPOINT");
            await cmd.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex)
        {
            Step($"CHECKPOINT not permitted for this user ({ex.MessageText}); phases may see the previous one's writeback");
        }
    }

    private static void Step(string message) => Console.WriteLine($"[bench ingest] {message}");
}
