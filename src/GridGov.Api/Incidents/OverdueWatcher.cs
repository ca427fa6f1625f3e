using Npgsql;

namespace GridGov.Api.Incidents;

/// <summary>
/// Marks running cases whose deadline has passed as overdue, tells the dispatch center and escalates to the lead of
/// the case's large-grid team, all in one statement per scan (so a case is never marked without its notices).
/// </summary>
public sealed partial class OverdueWatcher(NpgsqlDataSource dataSource, IncidentsSettings settings, CalendarSettings calendar, TimeProvider clock, ILogger<OverdueWatcher> logger) : BackgroundService
{
    internal const string ScanSql = """
        WITH due AS (
            UPDATE incidents i SET overdue_at = $1, escalated_at = $1
            WHERE i.overdue_at IS NULL AND i.deadline < $1 AND i.status = ANY($2)
            RETURNING i.id, i.status, i.team_id, i.large_grid_code, i.deadline
        ), lead AS (
            SELECT due.id, c.id AS crew_id, c.name
            FROM due JOIN LATERAL (
                SELECT c.id, c.name FROM crews c WHERE c.team_id = due.team_id ORDER BY c.is_lead DESC, c.id LIMIT 1) c ON true
        ), ev AS (
            INSERT INTO incident_events (incident_id, at, actor, action, from_status, to_status, note)
            SELECT due.id, $1, 'system', 'overdue', due.status, due.status,
                   '已超期（期限 ' || to_char(due.deadline AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') || '），已通知指挥中心'
                   || COALESCE('并上报大网格负责人 ' || lead.name, '（无大网格负责人可上报）')
            FROM due LEFT JOIN lead ON lead.id = due.id
        ), to_dispatch AS (
            INSERT INTO notices (at, kind, incident_id, audience, text)
            SELECT $1, 'overdue', due.id, 'dispatch',
                   '案件 #' || due.id || ' 已超期' || COALESCE('（大网格 ' || due.large_grid_code || '）', '（未分拨）')
            FROM due
        ), to_lead AS (
            INSERT INTO notices (at, kind, incident_id, audience, crew_id, text)
            SELECT $1, 'escalation', lead.id, 'crew', lead.crew_id, '督办：案件 #' || lead.id || ' 已超期，请协调处置'
            FROM lead
        )
        SELECT count(*) FROM due
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, settings.OverdueScanSeconds)));
        do
        {
            try
            {
                var marked = await ScanAsync(stoppingToken);
                if (marked > 0) LogMarked(marked);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One scan; returns how many cases became overdue.</summary>
    public async Task<long> ScanAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(ScanSql);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text,
            Value = IncidentWorkflow.RunningStates.Select(s => s.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = calendar.TimeZone });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Overdue: {Count} cases passed their deadline; dispatch told and leads notified")]
    private partial void LogMarked(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Overdue scan failed; the next scan tries again")]
    private partial void LogFailed(Exception exception);
}
