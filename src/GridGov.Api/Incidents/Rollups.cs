using Npgsql;

namespace GridGov.Api.Incidents;

/// <summary>
/// The daily roll-ups the indicators and leaderboards read instead of every case (issue 16). The database keeps them:
/// statement triggers on incidents and crew_points append each write's difference to <c>rollup_deltas</c> in the
/// writer's own transaction (migration <c>Rollups</c>), a case counting towards the day it was reported on in the
/// calendar's time zone, under its large grid, team, category and handling crew member, and points towards the day
/// they were earned. This keeper folds the deltas into <c>daily_rollups</c> every <see cref="RollupsSettings.FoldSeconds"/>
/// (one node at a time); readers sum both tables in one statement (<see cref="Sum"/>), so what they read is exact
/// whatever the fold's lag. Thread-safe: it holds no state.
/// </summary>
public sealed partial class RollupKeeper(NpgsqlDataSource dataSource, RollupsSettings settings, ILogger<RollupKeeper> logger) : BackgroundService
{
    /// <summary>The dimensions a roll-up is kept by.</summary>
    public static class Dim
    {
        public const string LargeGrid = "largeGrid";
        public const string Team = "team";
        public const string Category = "category";
        public const string Crew = "crew";
    }

    /// <summary>
    /// A derived table (<c>key</c>, <c>day</c> and the measures) of one dimension's rows over [<paramref name="fromDay"/>,
    /// <paramref name="toDay"/>): the folded roll-ups and the deltas not folded yet, one row per key and day.
    /// The parameters are SQL placeholders (e.g. "$1").
    /// </summary>
    public static string Sum(string dim, string fromDay, string toDay)
    {
        const string measures = "cases, registered, closed, closed_on_time, reworked, handling_seconds, points, point_rows, scored";
        return $"""
            (SELECT key, sum(cases)::int AS cases, sum(registered)::int AS registered, sum(closed)::int AS closed,
                    sum(closed_on_time)::int AS closed_on_time, sum(reworked)::int AS reworked, sum(handling_seconds) AS handling_seconds,
                    sum(points)::int AS points, sum(point_rows)::int AS point_rows, sum(scored)::int AS scored
             FROM (SELECT key, {measures} FROM daily_rollups WHERE dim = '{dim}' AND day >= {fromDay} AND day < {toDay}
                   UNION ALL
                   SELECT key, {measures} FROM rollup_deltas WHERE dim = '{dim}' AND day >= {fromDay} AND day < {toDay}) r
             GROUP BY key)
            """;
    }

    /// <summary>
    /// Keeps the roll-ups in the calendar's time zone: when it differs from the one they were counted in, they are
    /// counted again (writers wait meanwhile). Called at start-up under the setup lock.
    /// </summary>
    public static async Task AlignTimeZoneAsync(NpgsqlDataSource dataSource, CalendarSettings calendar, ILogger logger, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var read = new NpgsqlCommand("SELECT time_zone FROM rollup_settings WHERE id = 1 FOR UPDATE", connection, tx);
        var zone = (string?)await read.ExecuteScalarAsync(ct);
        if (zone == calendar.TimeZone) return;
        LogRecount(logger, zone ?? "(none)", calendar.TimeZone);
        await using var write = new NpgsqlCommand("""
            INSERT INTO rollup_settings (id, time_zone) VALUES (1, @zone) ON CONFLICT (id) DO UPDATE SET time_zone = EXCLUDED.time_zone;
            SELECT rollups_rebuild();
            """, connection, tx);
        write.Parameters.AddWithValue("zone", calendar.TimeZone);
        await write.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>One fold: moves every delta into the roll-ups; returns how many roll-up rows changed (0 if another node is folding).</summary>
    public async Task<long> FoldAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT rollups_fold()");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, settings.FoldSeconds)));
        do
        {
            try
            {
                await FoldAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFoldFailed(ex);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Roll-ups: folding the deltas failed; readers still sum them, the next fold tries again")]
    private partial void LogFoldFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Roll-ups: counted in {Old}, the calendar is in {New}; counting them again")]
    private static partial void LogRecount(ILogger logger, string old, string @new);
}

/// <summary>Section <c>Rollups</c>.</summary>
public sealed class RollupsSettings
{
    /// <summary>How often the deltas are folded into the daily roll-ups (readers are exact either way; this bounds the deltas' size).</summary>
    public int FoldSeconds { get; set; } = 5;
}
