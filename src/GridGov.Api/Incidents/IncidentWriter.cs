using System.Threading.Channels;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Api.Incidents;

/// <summary>What the write found: a new incident, or the one an earlier request with the same key created.</summary>
public sealed record IntakeResult(
    bool Created, long Id, IncidentStatus Status, string? UnitGridCode, string? LargeGridCode, int? TeamId,
    DateTimeOffset? Deadline, long? DuplicateOf, IncidentStatus? DuplicateStatus, byte[] RequestHash, string CategoryCode);

/// <summary>
/// Group commit for intake: requests queue up, a writer takes up to <see cref="IncidentsSettings.WriteBatchSize"/>
/// at a time and writes them with one set-based statement in one transaction. An incident is acknowledged only after
/// its commit.
/// Every row is keyed by its request key, so a batch that failed mid-commit is simply written again; while
/// the database is away (a restart) the writer keeps retrying for <see cref="IncidentsSettings.WriteRetrySeconds"/>.
/// </summary>
public sealed partial class IncidentWriter(
    NpgsqlDataSource dataSource, IncidentsSettings settings, Live.LiveNotifier live, CategoryCatalog categories, ILogger<IncidentWriter> logger) : BackgroundService
{
    // One queue and writer per partition of the categories: duplicates are only ever of the same category, so each
    // partition's writer sees every report its duplicate check needs, and partitions write in parallel.
    private readonly Channel<Pending>[] _queues = Enumerable.Range(0, Math.Max(1, settings.Writers))
        .Select(_ => Channel.CreateBounded<Pending>(new BoundedChannelOptions(20_000) { SingleReader = true })).ToArray();

    private sealed record Pending(NewIncident Incident, TaskCompletionSource<IntakeResult> Done);

    private const string ShuttingDown =
        "The service is shutting down and did not confirm this report; send it again in a moment (with the same clientRequestId, so it is stored once).";

    /// <summary>Queues a report and waits for its commit. Cancelling stops the wait, not the write.</summary>
    public async Task<IntakeResult> SubmitAsync(NewIncident incident, CancellationToken ct)
    {
        var pending = new Pending(incident, new TaskCompletionSource<IntakeResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        var partition = int.Parse(incident.Category.Code, System.Globalization.CultureInfo.InvariantCulture) % _queues.Length;
        try
        {
            await _queues[partition].Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException)
        {
            throw new ShuttingDownException(ShuttingDown);
        }
        return await pending.Done.Task.WaitAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(q => Task.Run(() => WriterLoopAsync(q, stoppingToken), CancellationToken.None)));

    private async Task WriterLoopAsync(Channel<Pending> queue, CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(settings.WriteBatchSize);
        var reader = queue.Reader;
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
            queue.Writer.TryComplete();
            var stopped = new ShuttingDownException(ShuttingDown);
            foreach (var p in batch) p.Done.TrySetException(stopped);
            while (reader.TryRead(out var left)) left.Done.TrySetException(stopped);
        }
    }

    private async Task WriteWithRetryAsync(List<Pending> batch, CancellationToken stoppingToken)
    {
        IntakeResult[] results;
        try
        {
            results = await DatabaseErrors.RetryWhileAwayAsync(() => WriteBatchAsync(batch, stoppingToken), settings.WriteRetrySeconds,
                $"The database did not answer for {settings.WriteRetrySeconds:0} s; nothing was stored for this request. Retry with the same clientRequestId.",
                (attempt, ex) => LogRetrying(batch.Count, attempt, ex), attempt => LogRecovered(batch.Count, attempt), stoppingToken);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped in the middle of the batch: it may or may not have committed, and a keyed retry settles which.
            foreach (var p in batch) p.Done.TrySetException(new ShuttingDownException(ShuttingDown));
            return;
        }
        catch (PostgresException ex) when (batch.Count > 1)
        {
            // One bad row must not sink the others: write them one at a time.
            LogSplitting(batch.Count, ex);
            foreach (var p in batch) await WriteWithRetryAsync([p], stoppingToken);
            return;
        }
        catch (Exception ex)
        {
            foreach (var p in batch) p.Done.TrySetException(ex);
            return;
        }
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!results[i].Created) continue;
            var n = batch[i].Incident;
            live.IncidentChanged(new Live.IncidentMessage(results[i].Id, Platform.JsonNames.Of(results[i].Status), n.Category.Code,
                categories.NameOf(n.Category.Code), n.Lon, n.Lat, results[i].TeamId, false, n.ReportedAt.UtcDateTime));
        }
    }

    /// <summary>
    /// The whole batch in one set-based statement. Duplicates inside the batch are found here first (same category
    /// within the radius of an earlier report of the batch: its "leader"); ids are drawn from the sequence up front so
    /// a report can point at a batch neighbour. Repeated keys inside the batch are sent once.
    /// </summary>
    private async Task<IntakeResult[]> WriteBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        var firstOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var alias = new int[batch.Count];
        var unique = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (firstOfKey.TryAdd(batch[i].Incident.RequestKey, i))
            {
                alias[i] = -1;
                unique.Add(i);
            }
            else alias[i] = firstOfKey[batch[i].Incident.RequestKey];
        }
        var leader = new int[unique.Count];
        for (var u = 0; u < unique.Count; u++)
        {
            var a = batch[unique[u]].Incident;
            for (var v = 0; v < u && leader[u] == 0; v++)
            {
                var b = batch[unique[v]].Incident;
                if (leader[v] == 0 && a.Category.Code == b.Category.Code && a.AssetCode == b.AssetCode
                    && LocalMetres(a.Lon, a.Lat, b.Lon, b.Lat) <= settings.DuplicateRadiusM)
                    leader[u] = v + 1;
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The statement reads incidents only through indexes (the duplicate check through its partial GiST index,
        // statuses by key). Its plan is cached per connection; one made while the table was small would keep a
        // sequential scan for the duplicate check as the table grows (seen: 2 s per batch at 150,000 reports).
        await using (var indexed = new NpgsqlCommand("SET LOCAL enable_seqscan = off", connection, tx))
            await indexed.ExecuteNonQueryAsync(ct);
        var items = unique.Select(i => batch[i].Incident).ToList();
        var byKey = new Dictionary<string, IntakeResult>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(SetInsertSql, connection, tx))
        {
            var p = command.Parameters;
            p.Add(Array(items.Select(n => n.RequestKey)));
            p.Add(Array(items.Select(n => n.Category.Code)));
            p.Add(Array(items.Select(n => n.Source.ToString())));
            p.Add(Array(items.Select(n => n.Status.ToString())));
            p.Add(new NpgsqlParameter { Value = items.Select(n => n.Lon).ToArray() });
            p.Add(new NpgsqlParameter { Value = items.Select(n => n.Lat).ToArray() });
            p.Add(Array(items.Select(n => n.Description)));
            p.Add(Array(items.Select(n => n.AssetCode)));
            p.Add(Array(items.Select(n => n.Channel)));
            p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = items.Select(n => n.ReporterCrewId).ToArray() });
            p.Add(Array(items.Select(n => n.Route?.UnitGridCode)));
            p.Add(Array(items.Select(n => n.Route?.LargeGridCode)));
            p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = items.Select(n => n.TeamId).ToArray() });
            p.Add(Array(items.Select(n => n.Category.Role.ToString())));
            p.Add(Array(items.Select(n => n.Routing.Rule.ToString())));
            p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, Value = items.Select(n => n.Routing.DistanceM).ToArray() });
            p.Add(Array(items.Select(n => n.Routing.Note)));
            p.Add(Array(items.Select(n => n.ReportedBy())));
            p.Add(Array(items.Select(n => n.Actor)));
            p.Add(Array(items.Select(n => n.ActorRole)));
            p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = items.Select(n => n.ReportedAt).ToArray() });
            p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = items.Select(n => n.Deadline).ToArray() });
            p.Add(Array(items.Select(n => n.Category.DeadlineRule)));
            p.Add(Array(items.Select(n => n.ClientRequestId)));
            p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = items.Select(n => n.RequestHash).ToArray() });
            p.Add(Array(items.Select(n => n.EventNote)));
            p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = leader });
            p.Add(Double(settings.DuplicateWindowHours * 3600));
            p.Add(Double(settings.DuplicateRadiusM));
            p.Add(Array(items.Select(n => n.AssetKind)));
            p.Add(Array(items.Select(n => n.ReporterPhone)));
            // Prepared once per pooled connection: parsing it each time costs more than writing a small batch.
            await command.PrepareAsync(ct);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) byKey[reader.GetString(0)] = ReadResult(reader, 1);
        }
        var missing = items.Select(n => n.RequestKey).Where(k => !byKey.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
        {
            await using var existing = new NpgsqlCommand("""
                SELECT i.request_key, false, i.id, i.status, i.unit_grid_code, i.large_grid_code, i.team_id, i.deadline, i.duplicate_of,
                       (SELECT o.status FROM incidents o WHERE o.id = i.duplicate_of), i.request_hash, i.category_code
                FROM incidents i WHERE i.request_key = ANY($1)
                """, connection, tx);
            existing.Parameters.Add(Array(missing));
            await using var reader = await existing.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) byKey[reader.GetString(0)] = ReadResult(reader, 1);
        }
        await tx.CommitAsync(ct);
        var results = new IntakeResult[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var key = batch[i].Incident.RequestKey;
            if (!byKey.TryGetValue(key, out var result))
                throw new NpgsqlException("Intake found neither a new nor an earlier incident for a request key; retrying.");
            results[i] = alias[i] >= 0 ? result with { Created = false } : result;
        }
        return results;
    }

    private static double LocalMetres(double lon1, double lat1, double lon2, double lat2)
    {
        var dx = (lon2 - lon1) * 111_320.0 * Math.Cos((lat1 + lat2) * Math.PI / 360);
        var dy = (lat2 - lat1) * 110_574.0;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    private static IntakeResult ReadResult(NpgsqlDataReader reader, int o) => new(
        reader.GetBoolean(o), reader.GetInt64(o + 1), Enum.Parse<IncidentStatus>(reader.GetString(o + 2)),
        reader.IsDBNull(o + 3) ? null : reader.GetString(o + 3), reader.IsDBNull(o + 4) ? null : reader.GetString(o + 4),
        reader.IsDBNull(o + 5) ? null : reader.GetInt32(o + 5), reader.IsDBNull(o + 6) ? null : reader.GetFieldValue<DateTimeOffset>(o + 6),
        reader.IsDBNull(o + 7) ? null : reader.GetInt64(o + 7), reader.IsDBNull(o + 8) ? null : Enum.Parse<IncidentStatus>(reader.GetString(o + 8)),
        (byte[])reader.GetValue(o + 9), reader.GetString(o + 10));

    private static NpgsqlParameter Array(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.Select(v => (object?)v ?? DBNull.Value).ToArray() };

    internal const string SetInsertSql = """
        WITH input AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[],
                $9::text[], $10::int[], $11::text[], $12::text[], $13::int[], $14::text[], $15::text[], $16::float8[], $17::text[],
                $18::text[], $19::text[], $20::text[], $21::timestamptz[], $22::timestamptz[], $23::text[], $24::text[], $25::bytea[],
                $26::text[], $27::int[], $30::text[], $31::text[])
                WITH ORDINALITY AS t(request_key, category_code, source, status, lon, lat, description, asset_code, channel,
                    reporter_crew_id, unit_grid_code, large_grid_code, team_id, role, routing, routing_distance_m, routing_note,
                    reported_by, actor, actor_role, reported_at, deadline, deadline_rule, client_request_id, request_hash, note, leader,
                    asset_kind, reporter_phone, ord)
        ), located AS MATERIALIZED (
            SELECT input.*, ST_SetSRID(ST_MakePoint(input.lon, input.lat), 4490) AS geom,
                nextval(pg_get_serial_sequence('incidents', 'id')) AS new_id,
                -- The open reports near the point come from ix_incidents_open_location alone (OFFSET 0 keeps the
                -- subquery apart, so stale statistics after a burst cannot pull in the category btree instead).
                (SELECT o.id FROM (
                    SELECT o.id, o.category_code, o.reported_at, o.location, o.asset_code FROM incidents o
                    WHERE o.duplicate_of IS NULL AND o.status NOT IN ('Closed', 'Voided')
                      AND o.location && ST_Expand(ST_SetSRID(ST_MakePoint(input.lon, input.lat), 4490), $29 / (111320.0 * cos(radians(input.lat))))
                    OFFSET 0) o
                 WHERE o.category_code = input.category_code
                   -- Reports about assets are duplicates only of reports about the same asset (two dark lamps 20 m
                   -- apart are two reports, and what the circuit roll-up counts).
                   AND o.asset_code IS NOT DISTINCT FROM input.asset_code
                   AND o.reported_at > input.reported_at - make_interval(secs => $28)
                   -- Metres on the local plane, as the in-batch check computes them (LocalMetres): within 0.5% of
                   -- the geodesic at these distances, and a fraction of the cost of a geography distance.
                   AND ((ST_X(o.location) - input.lon) * 111320.0 * cos(radians((ST_Y(o.location) + input.lat) / 2))) ^ 2
                       + ((ST_Y(o.location) - input.lat) * 110574.0) ^ 2 <= $29 ^ 2
                 ORDER BY o.id LIMIT 1) AS existing
            FROM input
        ), resolved AS (
            SELECT l.*, COALESCE(l.existing, (SELECT COALESCE(r.existing, r.new_id) FROM located r WHERE l.leader > 0 AND r.ord = l.leader)) AS dup_of
            FROM located l
        ), ins AS (
            INSERT INTO incidents (id, request_key, category_code, source, status, location, description, asset_code, asset_kind, channel,
                reporter_crew_id, unit_grid_code, large_grid_code, team_id, role, routing, routing_distance_m, routing_note, reported_by,
                duplicate_of, reported_at, updated_at, deadline, deadline_rule, registered_at, client_request_id, request_hash, rework_count,
                reporter_phone)
            OVERRIDING SYSTEM VALUE
            SELECT new_id, request_key, category_code, source, CASE WHEN dup_of IS NULL THEN status ELSE 'Voided' END, geom,
                description, asset_code, asset_kind, channel, reporter_crew_id, unit_grid_code, large_grid_code, team_id, role, routing,
                routing_distance_m, routing_note, reported_by, dup_of, reported_at, reported_at, deadline, deadline_rule,
                CASE WHEN dup_of IS NULL AND status = 'Registered' THEN reported_at END, client_request_id, request_hash, 0,
                reporter_phone
            FROM resolved ORDER BY ord
            ON CONFLICT (request_key) DO NOTHING
            RETURNING id, request_key, status, unit_grid_code, large_grid_code, team_id, deadline, duplicate_of, request_hash, category_code
        ), ev AS (
            INSERT INTO incident_events (incident_id, at, actor, actor_role, crew_id, action, from_status, to_status, note)
            SELECT ins.id, r.reported_at, r.actor, r.actor_role, r.reporter_crew_id, 'report', NULL, ins.status,
                CASE WHEN ins.duplicate_of IS NULL THEN r.note
                     ELSE '重复上报：与案件 #' || ins.duplicate_of || ' 重复（' || $29 || ' 米、' || ($28 / 3600) || ' 小时内的同类未结案件），已合并 (duplicate)' END
            FROM ins JOIN resolved r ON r.request_key = ins.request_key
        )
        SELECT ins.request_key, true, ins.id, ins.status, ins.unit_grid_code, ins.large_grid_code, ins.team_id, ins.deadline, ins.duplicate_of,
            CASE WHEN ins.duplicate_of IS NOT NULL THEN
                COALESCE((SELECT o.status FROM incidents o WHERE o.id = ins.duplicate_of), (SELECT i2.status FROM ins i2 WHERE i2.id = ins.duplicate_of)) END,
            ins.request_hash, ins.category_code
        FROM ins
        """;

    private static NpgsqlParameter Double(double value) => new() { NpgsqlDbType = NpgsqlDbType.Double, Value = value };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake: writing {Count} incidents failed (attempt {Attempt}); retrying")]
    private partial void LogRetrying(int count, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Intake: {Count} incidents written after {Attempt} attempts")]
    private partial void LogRecovered(int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake: a batch of {Count} failed; writing one by one")]
    private partial void LogSplitting(int count, Exception exception);
}

internal static class NewIncidentExtensions
{
    /// <summary>The signed-in reporter's username; null for anonymous residents and Open311 clients.</summary>
    public static string? ReportedBy(this NewIncident n) => n.ActorRole is null ? null : n.Actor;
}
