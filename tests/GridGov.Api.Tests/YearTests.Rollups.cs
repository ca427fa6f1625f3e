using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Incidents;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GridGov.Api.Tests;

/// <summary>The daily roll-ups stay what a recount of every case and point row says, through every kind of write.</summary>
public partial class YearTests
{
    private static async Task ExecAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_roll_ups_equal_a_recount_after_the_seed_and_after_reroutes_voids_reopens_deletions_and_points_moved()
    {
        await using var connection = await year.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await RollupOracle.DifferencesAsync(connection));
        Assert.True(await year.Count("SELECT count(*) FROM daily_rollups WHERE dim = 'team'") > 0, "the seeded year is in the roll-ups");

        // Every kind of write, in bulk and one by one, with a fold in the middle; then undone (rolled back).
        await using var tx = await connection.BeginTransactionAsync();
        await ExecAsync(connection, tx, """
            UPDATE incidents SET team_id = (SELECT min(id) FROM teams), handler_crew_id = NULL WHERE id % 97 = 0;
            UPDATE incidents SET status = 'Voided' WHERE id % 89 = 0;
            UPDATE incidents SET rework_count = rework_count + 1, closed_at = NULL, status = 'Dispatched' WHERE id % 83 = 0;
            UPDATE incidents SET duplicate_of = id - 1 WHERE id % 71 = 0;
            DELETE FROM crew_points WHERE id % 7 = 0;
            UPDATE crew_points SET at = at - interval '20 hours', points = points + 1 WHERE id % 11 = 0;
            """);
        Assert.Equal(0, await RollupOracle.DifferencesAsync(connection, tx));
        await using (var fold = new NpgsqlCommand("SELECT rollups_fold()", connection, tx))
            Assert.True((long)(await fold.ExecuteScalarAsync())! > 0);
        await using (var left = new NpgsqlCommand("SELECT count(*) FROM rollup_deltas", connection, tx))
            Assert.Equal(0L, (long)(await left.ExecuteScalarAsync())!);
        Assert.Equal(0, await RollupOracle.DifferencesAsync(connection, tx));
        await ExecAsync(connection, tx, """
            UPDATE incidents SET large_grid_code = NULL, reported_at = reported_at - interval '3 days' WHERE id % 79 = 0;
            UPDATE incidents SET closed_at = closed_at + interval '400 days' WHERE id % 61 = 0 AND closed_at IS NOT NULL;
            DELETE FROM incidents i WHERE i.id % 73 = 0
                AND NOT EXISTS (SELECT 1 FROM incidents d WHERE d.duplicate_of = i.id OR d.fault_id = i.id);
            """);
        Assert.Equal(0, await RollupOracle.DifferencesAsync(connection, tx));
        await tx.RollbackAsync();
        Assert.Equal(0, await RollupOracle.DifferencesAsync(connection));
    }

    [Fact]
    public async Task Writers_and_folds_at_once_lose_nothing_and_count_nothing_twice()
    {
        var folds = 0L;
        using var stop = new CancellationTokenSource();
        var folder = Task.Run(async () =>
        {
            var keeper = year.Services.GetRequiredService<RollupKeeper>();
            while (!stop.IsCancellationRequested)
                folds += await keeper.FoldAsync();
        });
        // Eight writers, each 25 transactions that change a case's counted fields and add or remove a point row;
        // each ends where it began, so the year stays as seeded for the other tests.
        var cases = await ClosedCasesAsync(8 * 25);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            await using var connection = await year.DataSource.OpenConnectionAsync();
            for (var n = 0; n < 25; n++)
            {
                var (id, closedAt) = cases[w * 25 + n];
                await using (var tx = await connection.BeginTransactionAsync())
                {
                    await using var change = new NpgsqlCommand("""
                        UPDATE incidents SET rework_count = rework_count + 1, closed_at = NULL WHERE id = @id;
                        INSERT INTO crew_points (crew_id, incident_id, at, points, reason)
                        SELECT handler_crew_id, id, reported_at, 3, 'closed' FROM incidents WHERE id = @id AND handler_crew_id IS NOT NULL;
                        """, connection, tx);
                    change.Parameters.AddWithValue("id", id);
                    await change.ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                }
                await using (var tx = await connection.BeginTransactionAsync())
                {
                    await using var undo = new NpgsqlCommand("""
                        UPDATE incidents SET rework_count = rework_count - 1, closed_at = @closed WHERE id = @id;
                        DELETE FROM crew_points WHERE id = (SELECT max(id) FROM crew_points WHERE incident_id = @id);
                        """, connection, tx);
                    undo.Parameters.AddWithValue("id", id);
                    undo.Parameters.AddWithValue("closed", closedAt);
                    await undo.ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                }
            }
        })).ToList();
        await Task.WhenAll(writers);
        stop.Cancel();
        await folder;
        Assert.True(folds > 0, "folds ran while the writers wrote");
        await using var check = await year.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await RollupOracle.DifferencesAsync(check));
    }

    private async Task<(long Id, DateTime ClosedAt)[]> ClosedCasesAsync(int count)
    {
        await using var cmd = year.DataSource.CreateCommand("""
            SELECT id, closed_at FROM incidents WHERE status = 'Closed' AND handler_crew_id IS NOT NULL AND rework_count = 0 AND duplicate_of IS NULL
            ORDER BY id LIMIT $1
            """);
        cmd.Parameters.AddWithValue(count);
        var cases = new List<(long, DateTime)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) cases.Add((reader.GetInt64(0), reader.GetDateTime(1)));
        Assert.Equal(count, cases.Count);
        return [.. cases];
    }

    [Fact]
    public async Task Roll_ups_counted_in_another_time_zone_are_counted_again_in_the_calendars()
    {
        await using var connection = await year.DataSource.OpenConnectionAsync();
        await ExecAsync(connection, null, "UPDATE rollup_settings SET time_zone = 'UTC'; SELECT rollups_rebuild();");
        Assert.NotEqual(0, await RollupOracle.DifferencesAsync(connection)); // counted by UTC days, the oracle counts Beijing days
        await RollupKeeper.AlignTimeZoneAsync(year.DataSource, year.Services.GetRequiredService<CalendarSettings>(), NullLogger.Instance, default);
        Assert.Equal("Asia/Shanghai", (string)(await new NpgsqlCommand("SELECT time_zone FROM rollup_settings", connection).ExecuteScalarAsync())!);
        Assert.Equal(0, await RollupOracle.DifferencesAsync(connection));
    }

    [Fact]
    public async Task A_report_past_its_budget_is_stopped_and_answered_too_heavy_and_the_pool_goes_on()
    {
        // A service whose reports may take one second; a planner's long transaction holds the roll-ups meanwhile.
        await using var strict = year.WithWebHostBuilder(b => b.UseSetting("QueryBudgets:ReportSeconds", "1"));
        using var leader = await YearFactory.ClientFor(strict, "leader");
        await using (var holder = await year.DataSource.OpenConnectionAsync())
        await using (var tx = await holder.BeginTransactionAsync())
        {
            await ExecAsync(holder, tx, "LOCK TABLE daily_rollups IN ACCESS EXCLUSIVE MODE");
            var heavy = await ProblemAssert.IsProblem(await leader.GetAsync("/api/indicators?by=team"), System.Net.HttpStatusCode.ServiceUnavailable, "shorter period");
            Assert.Equal("Too heavy", heavy.GetProperty("title").GetString());
            await ProblemAssert.IsProblem(await leader.GetAsync("/api/points/leaderboard"), System.Net.HttpStatusCode.ServiceUnavailable, "shorter period");
            // A list without a report's budget is not held to it: the open problems answer while the lock stays.
            (await leader.GetAsync("/api/lists/problems?pageSize=5")).EnsureSuccessStatusCode();
            await tx.RollbackAsync();
        }
        (await leader.GetAsync("/api/indicators?by=team")).EnsureSuccessStatusCode();
    }
}
