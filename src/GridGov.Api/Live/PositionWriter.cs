using System.Globalization;
using System.Threading.Channels;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>
/// Group commit for positions: one writer takes the checked fixes of many requests, applies the checks that depend
/// on a crew's previous fix (duplicate, out of order, impossible speed) in arrival order, and writes the history rows
/// and the latest-position upserts in one implicit transaction. Memory, the live stream and geofences see a fix only
/// after its commit, so a failed write leaves nothing behind and a resent batch comes back as duplicates.
/// </summary>
public sealed partial class PositionWriter(
    NpgsqlDataSource dataSource, CrewDirectory crews, LiveNotifier notifier, GeofenceWatch geofence, LiveSettings settings,
    ILogger<PositionWriter> logger) : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000) { SingleReader = true });

    private sealed record Pending(List<(int Index, PositionReport Fix)> Fixes, TaskCompletionSource<PositionResult[]> Done);

    private const string ShuttingDown = "The service is shutting down and did not confirm these positions; send the same batch again in a moment: stored fixes come back as duplicates.";

    public async Task<PositionResult[]> SubmitAsync(List<(int Index, PositionReport Fix)> fixes, CancellationToken ct)
    {
        var pending = new Pending(fixes, new TaskCompletionSource<PositionResult[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException)
        {
            throw new ShuttingDownException(ShuttingDown);
        }
        return await pending.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<Pending>();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                var count = 0;
                while (count < settings.WriteBatchSize && reader.TryRead(out var next))
                {
                    group.Add(next);
                    count += next.Fixes.Count;
                }
                await WriteGroupAsync(group, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();
            var stopped = new ShuttingDownException(ShuttingDown);
            foreach (var p in group) p.Done.TrySetException(stopped);
            while (reader.TryRead(out var left)) left.Done.TrySetException(stopped);
        }
    }

    private async Task WriteGroupAsync(List<Pending> group, CancellationToken ct)
    {
        var verdicts = group.Select(p => new PositionResult[p.Fixes.Count]).ToArray();
        var tentative = new Dictionary<int, LiveFix>();
        var accepted = new List<(int Pending, int Slot, PositionReport Fix)>();
        var older = new List<(int Pending, int Slot, PositionReport Fix, LiveFix Last)>();
        for (var p = 0; p < group.Count; p++)
        {
            for (var s = 0; s < group[p].Fixes.Count; s++)
            {
                var (index, fix) = group[p].Fixes[s];
                var last = tentative.GetValueOrDefault(fix.CrewId) ?? crews.LastFix(fix.CrewId);
                if (last is not null && fix.T == last.T)
                {
                    verdicts[p][s] = new PositionResult(index, fix.CrewId, PositionResult.Duplicate, "duplicate", $"Crew {fix.CrewId}'s fix at {fix.T:O} is stored already.");
                    continue;
                }
                if (last is not null && fix.T < last.T)
                {
                    older.Add((p, s, fix, last));
                    continue;
                }
                if (last is not null)
                {
                    var metres = Geodesy.Metres(last.Lon, last.Lat, fix.Lon, fix.Lat);
                    var speed = metres / (fix.T - last.T).TotalSeconds;
                    if (speed > settings.MaxSpeedMps)
                    {
                        verdicts[p][s] = new PositionResult(index, fix.CrewId, PositionResult.Rejected, "impossibleSpeed",
                            string.Create(CultureInfo.InvariantCulture, $"{metres:0} m in {(fix.T - last.T).TotalSeconds:0.###} s since the previous fix is {speed:0} m/s, over the {settings.MaxSpeedMps:0} m/s possible."));
                        continue;
                    }
                }
                tentative[fix.CrewId] = new LiveFix(fix.Lon, fix.Lat, fix.T, fix.AccuracyM is { } a ? (float)a : null);
                accepted.Add((p, s, fix));
            }
        }

        try
        {
            var stored = await WriteWithRetryAsync(accepted, older, ct);
            foreach (var (p, s, fix, last) in older)
            {
                var index = group[p].Fixes[s].Index;
                verdicts[p][s] = stored.Contains((fix.CrewId, fix.T.UtcDateTime))
                    ? new PositionResult(index, fix.CrewId, PositionResult.Duplicate, "duplicate", $"Crew {fix.CrewId}'s fix at {fix.T:O} is stored already.")
                    : new PositionResult(index, fix.CrewId, PositionResult.Rejected, "outOfOrder", $"t {fix.T:O} is before crew {fix.CrewId}'s latest fix ({last.T:O}); send fixes oldest first.");
            }
            foreach (var (p, s, fix) in accepted)
                verdicts[p][s] = new PositionResult(group[p].Fixes[s].Index, fix.CrewId, PositionResult.Accepted);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            foreach (var p in group) p.Done.TrySetException(new ShuttingDownException(ShuttingDown));
            return;
        }
        catch (Exception ex)
        {
            foreach (var p in group) p.Done.TrySetException(ex);
            return;
        }

        foreach (var (crewId, fix) in tentative)
        {
            crews.SetLastFix(crewId, fix);
            if (crews.Find(crewId) is { } crew)
            {
                notifier.Publish(crew, fix);
                geofence.Observe(crew, fix);
            }
        }
        for (var p = 0; p < group.Count; p++) group[p].Done.TrySetResult(verdicts[p]);
    }

    /// <summary>Writes the accepted fixes; returns which of the older fixes were in the history already (resends).</summary>
    private Task<HashSet<(int, DateTime)>> WriteWithRetryAsync(
        List<(int Pending, int Slot, PositionReport Fix)> accepted, List<(int Pending, int Slot, PositionReport Fix, LiveFix Last)> older, CancellationToken ct) =>
        DatabaseErrors.RetryWhileAwayAsync(() => WriteAsync(accepted, older, ct), settings.WriteRetrySeconds,
            $"The database did not answer for {settings.WriteRetrySeconds:0} s; none of these positions was stored. Send the same batch again: stored fixes come back as duplicates.",
            (attempt, ex) => LogRetrying(accepted.Count, attempt, ex), attempt => LogRecovered(accepted.Count, attempt), ct);

    private async Task<HashSet<(int, DateTime)>> WriteAsync(
        List<(int Pending, int Slot, PositionReport Fix)> accepted, List<(int Pending, int Slot, PositionReport Fix, LiveFix Last)> older, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = new HashSet<(int, DateTime)>();
        if (older.Count > 0)
        {
            await using var lookup = new NpgsqlCommand(
                "SELECT h.crew_id, h.t FROM position_history h JOIN unnest($1::int[], $2::timestamptz[]) AS u(c, t) ON h.crew_id = u.c AND h.t = u.t",
                connection);
            lookup.Parameters.Add(new NpgsqlParameter { Value = older.Select(o => o.Fix.CrewId).ToArray() });
            lookup.Parameters.Add(new NpgsqlParameter { Value = older.Select(o => o.Fix.T.UtcDateTime).ToArray() });
            await using var reader = await lookup.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) stored.Add((reader.GetInt32(0), reader.GetDateTime(1)));
        }
        if (accepted.Count == 0) return stored;

        var n = accepted.Count;
        var crewIds = new int[n];
        var times = new DateTime[n];
        var lons = new double[n];
        var lats = new double[n];
        var accuracies = new float?[n];
        for (var i = 0; i < n; i++)
        {
            var f = accepted[i].Fix;
            crewIds[i] = f.CrewId;
            times[i] = f.T.UtcDateTime;
            lons[i] = f.Lon;
            lats[i] = f.Lat;
            accuracies[i] = f.AccuracyM is { } a ? (float)a : null;
        }
        // Two statements in one batch run in one implicit transaction: history and latest land together or not at all.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO position_history (crew_id, t, location, accuracy_m)
                    SELECT c, t, ST_SetSRID(ST_MakePoint(x, y), 4490), a FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::real[]) AS u(c, t, x, y, a)
                    ON CONFLICT DO NOTHING
                    """)
                {
                    Parameters = { Param(crewIds), Param(times), Param(lons), Param(lats), Param(accuracies) },
                },
                new NpgsqlBatchCommand("""
                    INSERT INTO crew_positions (crew_id, location, t, accuracy_m, received_at)
                    SELECT DISTINCT ON (c) c, ST_SetSRID(ST_MakePoint(x, y), 4490), t, a, now()
                    FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::real[]) AS u(c, t, x, y, a)
                    ORDER BY c, t DESC
                    ON CONFLICT (crew_id) DO UPDATE
                    SET location = excluded.location, t = excluded.t, accuracy_m = excluded.accuracy_m, received_at = excluded.received_at
                    WHERE crew_positions.t < excluded.t
                    """)
                {
                    Parameters = { Param(crewIds), Param(times), Param(lons), Param(lats), Param(accuracies) },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        return stored;
    }

    private static NpgsqlParameter Param<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Positions: writing {Count} fixes failed (attempt {Attempt}); retrying")]
    private partial void LogRetrying(int count, int attempt, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Positions: {Count} fixes written after {Attempt} attempts")]
    private partial void LogRecovered(int count, int attempt);
}

/// <summary>Distances on the ground for short hops (haversine on the CGCS2000/WGS84 mean radius).</summary>
public static class Geodesy
{
    private const double EarthRadiusM = 6_371_008.8;

    public static double Metres(double lon1, double lat1, double lon2, double lat2)
    {
        var dLat = (lat2 - lat1) * Math.PI / 180;
        var dLon = (lon2 - lon1) * Math.PI / 180;
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
                + Math.Cos(lat1 * Math.PI / 180) * Math.Cos(lat2 * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusM * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
