using System.Net.Sockets;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Api.Incidents;

/// <summary>The database could not be reached within the retry window; the caller may retry with the same clientRequestId.</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>What the write found: a new incident, or the one an earlier request with the same key created.</summary>
public sealed record IntakeResult(
    bool Created, long Id, IncidentStatus Status, string? UnitGridCode, string? LargeGridCode, int? TeamId,
    DateTimeOffset? Deadline, long? DuplicateOf, IncidentStatus? DuplicateStatus, byte[] RequestHash, string CategoryCode);

/// <summary>
/// Group commit for intake: requests queue up, one writer takes up to <see cref="IncidentsSettings.WriteBatchSize"/>
/// at a time and writes them in one transaction and one round trip, one statement per incident (so a report sees the
/// ones before it in the same batch when looking for duplicates). An incident is acknowledged only after its commit.
/// Every statement is keyed by the request key, so a batch that failed mid-commit is simply written again; while
/// the database is away (a restart) the writer keeps retrying for <see cref="IncidentsSettings.WriteRetrySeconds"/>.
/// </summary>
public sealed partial class IncidentWriter(NpgsqlDataSource dataSource, IncidentsSettings settings, ILogger<IncidentWriter> logger) : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(20_000) { SingleReader = true });

    private sealed record Pending(NewIncident Incident, TaskCompletionSource<IntakeResult> Done);

    /// <summary>Queues a report and waits for its commit. Cancelling stops the wait, not the write.</summary>
    public async Task<IntakeResult> SubmitAsync(NewIncident incident, CancellationToken ct)
    {
        var pending = new Pending(incident, new TaskCompletionSource<IntakeResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, ct);
        return await pending.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(settings.WriteBatchSize);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < settings.WriteBatchSize && reader.TryRead(out var next)) batch.Add(next);
                await WriteWithRetryAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();
            var stopped = new DatabaseUnavailableException("The service is shutting down; retry with the same clientRequestId.", new OperationCanceledException());
            foreach (var p in batch) p.Done.TrySetException(stopped);
            while (reader.TryRead(out var left)) left.Done.TrySetException(stopped);
        }
    }

    private async Task WriteWithRetryAsync(List<Pending> batch, CancellationToken stoppingToken)
    {
        var giveUpAt = DateTime.UtcNow.AddSeconds(settings.WriteRetrySeconds);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var results = await WriteBatchAsync(batch, stoppingToken);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
                if (attempt > 1) LogRecovered(batch.Count, attempt);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && !stoppingToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= giveUpAt)
                {
                    var unavailable = new DatabaseUnavailableException(
                        $"The database did not answer for {settings.WriteRetrySeconds:0} s; nothing was stored for this request. Retry with the same clientRequestId.", ex);
                    foreach (var p in batch) p.Done.TrySetException(unavailable);
                    return;
                }
                LogRetrying(batch.Count, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (1 << Math.Min(attempt, 5)))), stoppingToken);
            }
            catch (Exception ex) when (batch.Count > 1 && ex is PostgresException)
            {
                // One bad row must not sink the others: write them one at a time.
                LogSplitting(batch.Count, ex.Message);
                foreach (var p in batch) await WriteWithRetryAsync([p], stoppingToken);
                return;
            }
            catch (Exception ex)
            {
                foreach (var p in batch) p.Done.TrySetException(ex);
                return;
            }
        }
    }

    internal static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    private async Task<IntakeResult[]> WriteBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlBatch(connection, tx);
        foreach (var p in batch) command.BatchCommands.Add(Insert(p.Incident));
        var results = new IntakeResult[batch.Count];
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync(ct))
                    throw new InvalidOperationException("Intake batch returned fewer results than statements.");
                if (!await reader.ReadAsync(ct))
                    throw new NpgsqlException("Intake found neither a new nor an earlier incident for a request key (a concurrent writer?); retrying.");
                results[i] = new IntakeResult(
                    reader.GetBoolean(0), reader.GetInt64(1), Enum.Parse<IncidentStatus>(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                    reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : Enum.Parse<IncidentStatus>(reader.GetString(8)),
                    (byte[])reader.GetValue(9), reader.GetString(10));
            }
        }
        await tx.CommitAsync(ct);
        return results;
    }

    /// <summary>
    /// One report: find an open duplicate (same category, within the radius and window), insert the incident
    /// (voided and linked when it is a duplicate) unless its request key exists, record the 'report' event, and
    /// answer either the new row or the earlier one with that key.
    /// </summary>
    internal const string InsertSql = """
        WITH dup AS (
            SELECT o.id, o.status FROM incidents o
            WHERE o.category_code = $2 AND o.duplicate_of IS NULL AND o.status NOT IN ('Closed', 'Voided')
              AND o.reported_at > $21 - make_interval(secs => $24)
              AND o.location && ST_MakeEnvelope($25, $26, $27, $28, 4490)
              AND ST_DWithin(o.location::geography, ST_SetSRID(ST_MakePoint($5, $6), 4490)::geography, $23)
            ORDER BY o.id
            LIMIT 1
        ), ins AS (
            INSERT INTO incidents (request_key, category_code, source, status, location, description, asset_code, channel,
                reporter_crew_id, unit_grid_code, large_grid_code, team_id, role, routing, routing_distance_m,
                routing_note, reported_by, duplicate_of, reported_at, updated_at, deadline, deadline_rule, registered_at,
                client_request_id, request_hash, rework_count)
            SELECT $1, $2, $3, CASE WHEN dup.id IS NULL THEN $4 ELSE 'Voided' END, ST_SetSRID(ST_MakePoint($5, $6), 4490),
                $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, dup.id, $21, $21, $22, $29,
                CASE WHEN dup.id IS NULL AND $4 = 'Registered' THEN $21 END, $30, $31, 0
            FROM (SELECT 1) AS one LEFT JOIN dup ON true
            ON CONFLICT (request_key) DO NOTHING
            RETURNING id, status, unit_grid_code, large_grid_code, team_id, deadline, duplicate_of, request_hash, category_code
        ), ev AS (
            INSERT INTO incident_events (incident_id, at, actor, actor_role, crew_id, action, from_status, to_status, note)
            SELECT ins.id, $21, $19, $20, $10, 'report', NULL, ins.status,
                CASE WHEN ins.duplicate_of IS NULL THEN $32
                     ELSE '重复上报：与案件 #' || ins.duplicate_of || ' 重复（' || $23 || ' 米、' || ($24 / 3600) || ' 小时内的同类未结案件），已合并 (duplicate)' END
            FROM ins
        )
        SELECT true, ins.id, ins.status, ins.unit_grid_code, ins.large_grid_code, ins.team_id, ins.deadline, ins.duplicate_of,
               dup.status, ins.request_hash, ins.category_code
        FROM ins LEFT JOIN dup ON true
        UNION ALL
        SELECT false, i.id, i.status, i.unit_grid_code, i.large_grid_code, i.team_id, i.deadline, i.duplicate_of,
               (SELECT o.status FROM incidents o WHERE o.id = i.duplicate_of), i.request_hash, i.category_code
        FROM incidents i
        WHERE i.request_key = $1 AND NOT EXISTS (SELECT 1 FROM ins)
        """;

    private NpgsqlBatchCommand Insert(NewIncident n)
    {
        var radius = settings.DuplicateRadiusM;
        var dLat = radius / 110_574.0;
        var dLon = radius / (111_320.0 * Math.Max(0.01, Math.Cos(n.Lat * Math.PI / 180)));
        var c = new NpgsqlBatchCommand(InsertSql);
        var p = c.Parameters;
        p.Add(Text(n.RequestKey));                                   // $1
        p.Add(Text(n.Category.Code));                                // $2
        p.Add(Text(n.Source.ToString()));                            // $3
        p.Add(Text(n.Status.ToString()));                            // $4
        p.Add(Double(n.Lon));                                        // $5
        p.Add(Double(n.Lat));                                        // $6
        p.Add(Text(n.Description));                                  // $7
        p.Add(Text(n.AssetCode));                                    // $8
        p.Add(Text(n.Channel));                                      // $9
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)n.ReporterCrewId ?? DBNull.Value }); // $10
        p.Add(Text(n.Route?.UnitGridCode));                          // $11
        p.Add(Text(n.Route?.LargeGridCode));                         // $12
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)n.Route?.TeamId ?? DBNull.Value }); // $13
        p.Add(Text(n.Category.Role.ToString()));                     // $14
        p.Add(Text(n.Routing.Rule.ToString()));                      // $15
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = (object?)n.Routing.DistanceM ?? DBNull.Value }); // $16
        p.Add(Text(n.Routing.Note));                                 // $17
        p.Add(Text(n.ReportedBy()));                                 // $18 reported_by
        p.Add(Text(n.Actor));                                        // $19
        p.Add(Text(n.ActorRole));                                    // $20
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = n.ReportedAt }); // $21
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = n.Deadline });   // $22
        p.Add(Double(radius));                                       // $23
        p.Add(Double(settings.DuplicateWindowHours * 3600));         // $24
        p.Add(Double(n.Lon - dLon));                                 // $25
        p.Add(Double(n.Lat - dLat));                                 // $26
        p.Add(Double(n.Lon + dLon));                                 // $27
        p.Add(Double(n.Lat + dLat));                                 // $28
        p.Add(Text(n.Category.DeadlineRule));                        // $29
        p.Add(Text(n.ClientRequestId));                              // $30
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = n.RequestHash }); // $31
        p.Add(Text(n.EventNote));                                    // $32
        return c;
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Double(double value) => new() { NpgsqlDbType = NpgsqlDbType.Double, Value = value };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake: writing {Count} incidents failed (attempt {Attempt}): {Reason}; retrying")]
    private partial void LogRetrying(int count, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Intake: {Count} incidents written after {Attempt} attempts")]
    private partial void LogRecovered(int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake: a batch of {Count} failed ({Reason}); writing one by one")]
    private partial void LogSplitting(int count, string reason);
}

internal static class NewIncidentExtensions
{
    /// <summary>The signed-in reporter's username; null for anonymous residents and Open311 clients.</summary>
    public static string? ReportedBy(this NewIncident n) => n.ActorRole is null ? null : n.Actor;
}
