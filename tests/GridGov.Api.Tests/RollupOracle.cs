using Npgsql;

namespace GridGov.Api.Tests;

/// <summary>Recounts the daily roll-ups from the cases and points and compares them with what the service keeps.</summary>
public static class RollupOracle
{
    /// <summary>
    /// The oracle: the roll-ups counted afresh from incidents and crew_points by plain GROUP BYs, beside what the
    /// service keeps (folded roll-ups plus deltas, rows that sum to nothing left out); the rows where they differ.
    /// </summary>
    public const string Differences = """
        WITH cases AS (
            SELECT d.dim, (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, d.key,
                count(*) AS cases, count(*) FILTER (WHERE i.registered_at IS NOT NULL) AS registered,
                count(*) FILTER (WHERE i.closed_at IS NOT NULL) AS closed, count(*) FILTER (WHERE i.closed_at <= i.deadline) AS on_time,
                count(*) FILTER (WHERE i.rework_count > 0) AS reworked,
                COALESCE(sum(extract(epoch FROM i.closed_at - i.reported_at)), 0) AS handling
            FROM incidents i
            CROSS JOIN LATERAL (VALUES ('largeGrid', i.large_grid_code::text), ('team', i.team_id::text), ('category', i.category_code::text),
                ('crew', i.handler_crew_id::text)) AS d(dim, key)
            WHERE d.key IS NOT NULL AND i.duplicate_of IS NULL AND i.status <> 'Voided'
            GROUP BY 1, 2, 3
        ), points AS (
            SELECT 'crew' AS dim, (p.at AT TIME ZONE 'Asia/Shanghai')::date AS day, p.crew_id::text AS key,
                sum(p.points) AS points, count(*) AS point_rows, count(*) FILTER (WHERE p.reason = 'closed') AS scored
            FROM crew_points p GROUP BY 1, 2, 3
        ), oracle AS (
            SELECT COALESCE(c.dim, p.dim) AS dim, COALESCE(c.day, p.day) AS day, COALESCE(c.key, p.key) COLLATE "C" AS key,
                COALESCE(c.cases, 0)::bigint AS cases, COALESCE(c.registered, 0)::bigint AS registered, COALESCE(c.closed, 0)::bigint AS closed,
                COALESCE(c.on_time, 0)::bigint AS on_time, COALESCE(c.reworked, 0)::bigint AS reworked, COALESCE(c.handling, 0)::numeric AS handling,
                COALESCE(p.points, 0)::bigint AS points, COALESCE(p.point_rows, 0)::bigint AS point_rows, COALESCE(p.scored, 0)::bigint AS scored
            FROM cases c FULL JOIN points p ON p.dim = c.dim AND p.day = c.day AND p.key = c.key
        ), kept AS (
            SELECT dim, day, key, sum(cases)::bigint, sum(registered)::bigint, sum(closed)::bigint, sum(closed_on_time)::bigint,
                sum(reworked)::bigint, sum(handling_seconds)::numeric, sum(points)::bigint, sum(point_rows)::bigint, sum(scored)::bigint
            FROM (SELECT dim, day, key, cases, registered, closed, closed_on_time, reworked, handling_seconds, points, point_rows, scored FROM daily_rollups
                  UNION ALL
                  SELECT dim, day, key, cases, registered, closed, closed_on_time, reworked, handling_seconds, points, point_rows, scored FROM rollup_deltas) r
            GROUP BY 1, 2, 3
            HAVING sum(cases) <> 0 OR sum(registered) <> 0 OR sum(closed) <> 0 OR sum(closed_on_time) <> 0 OR sum(reworked) <> 0
                OR sum(handling_seconds) <> 0 OR sum(points) <> 0 OR sum(point_rows) <> 0 OR sum(scored) <> 0
        )
        SELECT count(*) FROM ((SELECT * FROM oracle EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM oracle)) AS differ
        """;

    public static async Task<long> DifferencesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(Differences, connection, tx);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }


    public static async Task<long> DifferencesAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await DifferencesAsync(connection);
    }
}
