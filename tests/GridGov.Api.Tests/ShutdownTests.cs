using System.Net;
using System.Net.Http.Json;
using GridGov.Api.Incidents;
using GridGov.Api.Live;
using GridGov.Api.Tests.Incidents;
using GridGov.Api.Tests.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GridGov.Api.Tests;

/// <summary>
/// A group-commit writer stopped while its batch waits on the database (the host shutting down with requests in
/// flight): the waiting request and any later one get 503 "shutting down", never 500. The batch is held by a row the
/// test keeps uncommitted, so the writer is provably inside its statement when it stops.
/// </summary>
[Collection(ApiCollection.Name)]
public class ShutdownTests(GridGovFactory app)
{
    [Fact]
    public async Task Intake_stopped_in_the_middle_of_a_batch_answers_503_not_500()
    {
        var spot = await Spots.Next(app);
        using var dispatcher = await app.ClientFor("dispatcher");
        var template = await dispatcher.NewIncident("06002", "hotline", spot);
        var key = "shutdown-" + Guid.NewGuid().ToString("N");

        await using var holder = await app.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        // A copy of a real row under the key the next report will use, inserted and not committed.
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO incidents OVERRIDING SYSTEM VALUE
            SELECT (jsonb_populate_record(i, jsonb_build_object('id', nextval(pg_get_serial_sequence('incidents', 'id')), 'request_key', $2::text))).*
            FROM incidents i WHERE i.id = $1
            """, holder, hold))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = template });
            insert.Parameters.Add(new NpgsqlParameter { Value = "c:" + key });
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        using var host = app.WithWebHostBuilder(_ => { });
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("dispatcher"));
        var waiting = client.Report("06002", "hotline", await Spots.Next(app), clientRequestId: key);
        await LiveKit.Eventually(() => Blocks(holder), "the intake batch waits on the held row", timeoutSeconds: 60);

        await StopAsync(host.Services.GetRequiredService<IncidentWriter>());
        await ProblemAssert.IsProblem(await waiting, HttpStatusCode.ServiceUnavailable, "shutting down");
        var later = await client.Report("06002", "hotline", await Spots.Next(app));
        await ProblemAssert.IsProblem(later, HttpStatusCode.ServiceUnavailable, "shutting down");
        Assert.NotNull(later.Headers.RetryAfter);
        await hold.RollbackAsync();
    }

    [Fact]
    public async Task Positions_stopped_in_the_middle_of_a_batch_answer_503_not_500()
    {
        var crew = (await LiveKit.Crews(app)).First(c => c.TeamId == 7);
        await LiveKit.Reset(app, crew.Id);
        var spot = await Spots.Next(app, crew.TeamId);

        await using var holder = await app.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO crew_positions (crew_id, location, t, received_at)
            VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4490), '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')
            """, holder, hold))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = crew.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = spot.Lon });
            insert.Parameters.Add(new NpgsqlParameter { Value = spot.Lat });
            await insert.ExecuteNonQueryAsync();
        }

        using var host = app.WithWebHostBuilder(_ => { });
        using var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("admin"));
        var waiting = admin.PostAsJsonAsync("/api/positions", new[] { LiveKit.Fix(crew.Id, spot.Lon, spot.Lat, DateTimeOffset.UtcNow) });
        // A second host starts first; on a loaded machine (the whole suite, two cores) that has taken most of 20 s.
        await LiveKit.Eventually(() => Blocks(holder), "the position batch waits on the held row", timeoutSeconds: 60);

        await StopAsync(host.Services.GetRequiredService<PositionWriter>());
        await ProblemAssert.IsProblem(await waiting, HttpStatusCode.ServiceUnavailable, "shutting down");
        var later = await admin.PostAsJsonAsync("/api/positions", new[] { LiveKit.Fix(crew.Id, spot.Lon, spot.Lat, DateTimeOffset.UtcNow) });
        await ProblemAssert.IsProblem(later, HttpStatusCode.ServiceUnavailable, "shutting down");
        await hold.RollbackAsync();
    }

    /// <summary>Whether some backend is waiting for a lock the holder's transaction has.</summary>
    private static async Task<bool> Blocks(NpgsqlConnection holder)
    {
        await using var probe = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", holder);
        probe.Parameters.Add(new NpgsqlParameter { Value = holder.ProcessID });
        return (long)(await probe.ExecuteScalarAsync())! > 0;
    }

    private static Task StopAsync(IHostedService writer) => writer.StopAsync(CancellationToken.None);
}
