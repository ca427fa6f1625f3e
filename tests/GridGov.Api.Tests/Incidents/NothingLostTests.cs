using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace GridGov.Api.Tests.Incidents;

/// <summary>
/// 2,000 reports at concurrency 32, one in ten sent twice, with the embedded PostgreSQL restarted midway. Afterwards
/// every acknowledged report is stored exactly once and whole, and the service took new reports without help.
/// Runs alone (./gridgov test runs Category=Restart after the other suites), because it stops the database.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Restart")]
public class NothingLostTests(GridGovFactory app, ITestOutputHelper output)
{
    private const int Reports = 2000;
    private const int Concurrency = 32;

    [Fact]
    public async Task Every_acknowledged_report_survives_a_database_restart_exactly_once()
    {
        var restart = Environment.GetEnvironmentVariable("GRIDGOV_DB_RESTART");
        Assert.False(string.IsNullOrWhiteSpace(restart),
            "GRIDGOV_DB_RESTART is not set: run this test through ./gridgov test, which gives it the command that restarts the embedded PostgreSQL.");
        var run = Guid.NewGuid().ToString("N")[..8];
        var startedBefore = await PostmasterStart();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("dispatcher"));
        client.Timeout = TimeSpan.FromMinutes(3);

        var categories = new[] { "06002", "06001", "03006", "09001", "09004", "02003", "07001", "04002" };
        var box = await CountyBox();
        var acknowledged = new ConcurrentDictionary<string, long>();
        var failures = new ConcurrentBag<string>();
        int unavailable = 0, retried = 0, sent = 0;
        Task<int>? restartTask = null;
        var restartGate = new object();

        await Parallel.ForEachAsync(Enumerable.Range(0, Reports), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (n, ct) =>
        {
            if (Interlocked.Increment(ref sent) == Reports / 3)
                lock (restartGate) restartTask = Task.Run(() => Restart(restart!));
            var random = new Random(n);
            var body = new
            {
                clientRequestId = $"nl-{run}-{n}",
                category = categories[n % categories.Length],
                source = "hotline",
                lon = box.MinX + random.NextDouble() * (box.MaxX - box.MinX),
                lat = box.MinY + random.NextDouble() * (box.MaxY - box.MinY),
                description = $"压力测试 {n}",
            };
            var id = await SubmitUntilAcknowledged(client, body, () => Interlocked.Increment(ref unavailable));
            if (id is null)
            {
                failures.Add(body.clientRequestId);
                return;
            }
            acknowledged[body.clientRequestId] = id.Value;
            if (n % 10 == 0)
            {
                Interlocked.Increment(ref retried);
                var again = await SubmitUntilAcknowledged(client, body, () => Interlocked.Increment(ref unavailable));
                if (again != id) failures.Add($"{body.clientRequestId}: retry answered {again}, first {id}");
            }
        });
        Task<int> restarted;
        lock (restartGate) restarted = restartTask!;
        Assert.Equal(0, await restarted);
        output.WriteLine($"{acknowledged.Count} acknowledged, {retried} retried, {unavailable} answers of 503/connection error while the database was away");
        Assert.Empty(failures);
        Assert.Equal(Reports, acknowledged.Count);
        Assert.NotEqual(startedBefore, await PostmasterStart());

        // Stored exactly once, whole: one row per acknowledged key with the acknowledged id, a location, a category,
        // a routing decision and exactly one 'report' event.
        await using var check = app.DataSource.CreateCommand("""
            SELECT i.client_request_id, i.id,
                   (SELECT count(*) FROM incident_events e WHERE e.incident_id = i.id AND e.action = 'report'),
                   i.location IS NOT NULL AND i.category_code IS NOT NULL AND i.routing_note IS NOT NULL
                   AND (i.routing = 'Unrouted' OR (i.unit_grid_code IS NOT NULL AND i.large_grid_code IS NOT NULL AND i.team_id IS NOT NULL))
            FROM incidents i WHERE i.client_request_id LIKE $1
            """);
        check.Parameters.AddWithValue($"nl-{run}-%");
        var rows = new List<(string Key, long Id, long Events, bool Whole)>();
        await using (var reader = await check.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3)));
        Assert.Equal(Reports, rows.Count);
        Assert.Equal(Reports, rows.Select(r => r.Key).Distinct().Count());
        Assert.All(rows, r =>
        {
            Assert.Equal(acknowledged[r.Key], r.Id);
            Assert.Equal(1, r.Events);
            Assert.True(r.Whole, $"{r.Key} is half-written");
        });

        // The service recovered by itself: new reports and reads work.
        var after = await client.PostAsJsonAsync("/api/incidents", new { category = "06002", source = "hotline", lon = (box.MinX + box.MaxX) / 2, lat = (box.MinY + box.MaxY) / 2 });
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    private static async Task<long?> SubmitUntilAcknowledged(HttpClient client, object body, Action onUnavailable)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < giveUp)
        {
            try
            {
                var response = await client.PostAsJsonAsync("/api/incidents", body);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
                if ((int)response.StatusCode < 500)
                    throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException)
            {
            }
            onUnavailable();
            await Task.Delay(200);
        }
        return null;
    }

    private int Restart(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        output.WriteLine($"restart: exit {process.ExitCode}: {stdout.Result.Trim()} {stderr.Result.Trim()}");
        return process.ExitCode;
    }

    private async Task<DateTime> PostmasterStart()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var cmd = app.DataSource.CreateCommand("SELECT pg_postmaster_start_time()");
                return (DateTime)(await cmd.ExecuteScalarAsync())!;
            }
            catch (Npgsql.NpgsqlException) when (attempt < 3)
            {
                await Task.Delay(500);
            }
        }
    }

    private async Task<(double MinX, double MinY, double MaxX, double MaxY)> CountyBox()
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geometry)::geometry e FROM grids WHERE level = 'Unit') x");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3));
    }
}
