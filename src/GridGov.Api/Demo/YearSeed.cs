using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace GridGov.Api.Demo;

/// <summary>How big a year to make.</summary>
/// <param name="Cases">Incidents over the year (the county's figure: 1,000,000).</param>
/// <param name="Lamps">Streetlights in all, the demo's and the added ones (200,000).</param>
/// <param name="End">The year ends here (exclusive): the cases of its last hours are still open.</param>
public sealed record YearSeedOptions(int Cases, int Lamps, DateTimeOffset End)
{
    public const int DefaultCases = 1_000_000;
    public const int DefaultLamps = 200_000;
}

/// <summary>What the seed made.</summary>
public sealed record YearSeedResult(long Cases, long Open, long Events, long Points, long Lamps, TimeSpan Took);

/// <summary>
/// A county's year on top of the demo county, in set-based SQL (no row leaves the database): cases along the working
/// week and day, each in a unit grid and routed to that grid's team, 99.8 % of them closed with a full history
/// (report, register, dispatch, accept, handle, verify, close) and their points (took, closed); the open ones are the
/// last hours' and a few long-term parked cases; and streetlights densified along the demo's circuits to the count
/// asked. Deadlines follow the category's value and unit approximately (working hours and days are stretched by a
/// fixed factor, the holiday calendar is not replayed): a load generator, not the calendar's oracle.
/// Runs month by month, each month one transaction, telling its progress.
/// </summary>
public static class YearSeed
{
    /// <summary>The matters of a county's year, weighted as they come (vendors, ads, parking, garbage, trees, lamps …).</summary>
    private static readonly string[] Mix =
    [
        "06001", "06001", "06001", "06002", "06002", "06003", "06007", "06008", "06010", "06011",
        "07001", "07001", "07001", "07001", "07002", "07004",
        "09001", "09001", "09001", "09002", "09002", "09003", "09003", "09004", "09004", "09005", "09006", "09009",
        "08001", "08002", "08004", "04002", "04003", "03005", "03006", "10002", "01037", "01037",
    ];

    private static readonly string[] Sources = ["Patrol", "Patrol", "Patrol", "Patrol", "Resident", "Resident", "Hotline", "Hotline", "Community", "DoorKnock", "Sensor", "Leader", "Media", "Other"];

    public static async Task<YearSeedResult> RunAsync(NpgsqlDataSource db, YearSeedOptions options, Action<string> progress, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        await ExecAsync(db, PrepareSql, ct);
        var start = options.End.AddDays(-365);
        var perDay = options.Cases / 365.0;
        var made = 0;
        for (var month = 0; month < 12; month++)
        {
            var from = start.AddDays(Math.Round(month * 365 / 12.0));
            var to = month == 11 ? options.End : start.AddDays(Math.Round((month + 1) * 365 / 12.0));
            var count = month == 11 ? options.Cases - made : (int)Math.Round((to - from).TotalDays * perDay);
            await using (var conn = await db.OpenConnectionAsync(ct))
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                await using var cmd = new NpgsqlCommand(MonthSql, conn, tx);
                cmd.Parameters.AddWithValue(from);
                cmd.Parameters.AddWithValue((to - from).TotalSeconds);
                cmd.Parameters.AddWithValue(count);
                cmd.Parameters.AddWithValue(options.End);
                cmd.Parameters.AddWithValue(Mix);
                cmd.Parameters.AddWithValue(Sources);
                cmd.CommandTimeout = 0;
                await cmd.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
            }
            made += count;
            progress(string.Create(CultureInfo.InvariantCulture,
                $"month {month + 1,2}/12 ({from:yyyy-MM-dd}): {made:N0} of {options.Cases:N0} cases, {clock.Elapsed.TotalSeconds:0} s"));
        }

        progress("streetlights ...");
        await ExecAsync(db, LampsSql, ct, options.Lamps);
        progress("daily roll-ups ...");
        await ExecAsync(db, "SELECT rollups_fold()", ct); // the triggers counted every month; fold them before the readers come
        progress("ANALYZE ...");
        await ExecAsync(db, "ANALYZE", ct);
        var counts = await CountsAsync(db, ct);
        return counts with { Took = clock.Elapsed };
    }

    public static async Task<YearSeedResult> CountsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM incidents WHERE status NOT IN ('Closed', 'Voided')),
                   (SELECT count(*) FROM incident_events), (SELECT count(*) FROM crew_points),
                   (SELECT count(*) FROM streetlights WHERE component = '01037')
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new YearSeedResult(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), TimeSpan.Zero);
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The places cases happen: 24 random points in every unit grid (ST_GeneratePoints: inside it), with the grid's
    /// large grid and team; and each team's crews by role, to hand a case to.
    /// </summary>
    private const string PrepareSql = """
        DROP TABLE IF EXISTS seed_spots, seed_crews;
        CREATE UNLOGGED TABLE seed_spots AS
            SELECT row_number() OVER (ORDER BY u.code, d.path) - 1 AS k, u.code AS unit, l.code AS large, l.team_id, d.geom AS location
            FROM grids u JOIN grids l ON l.code = u.parent_code AND l.level = 'Large',
                 ST_Dump(ST_GeneratePoints(u.geometry, 24, 2026)) d
            WHERE u.level = 'Unit';
        CREATE UNIQUE INDEX ON seed_spots (k);
        CREATE UNLOGGED TABLE seed_crews AS
            SELECT team_id, role, array_agg(id ORDER BY id) AS ids FROM crews WHERE active GROUP BY team_id, role;
        CREATE UNIQUE INDEX ON seed_crews (team_id, role);
        ANALYZE seed_spots, seed_crews;
        """;

    /// <summary>
    /// One month: $1 its start, $2 its length in seconds, $3 cases, $4 the year's end, $5 the category mix, $6 the
    /// sources. Cases fall on working hours mostly (07:00-20:00 local, 4 in 10 weekend cases on a weekday instead); those reported in the last 22
    /// hours before the end are still open at some step, and 3 in 10,000 older ones are parked.
    /// </summary>
    private const string MonthSql = """
        WITH n AS (SELECT count(*) AS spots FROM seed_spots),
        raw AS (
            SELECT g,
                   $1::timestamptz + make_interval(secs => floor(random() * $2 / 86400) * 86400) AS day,
                   (7 + power(random(), 0.9) * 13) * interval '1 hour' AS hour,
                   random() AS weekend_keep,
                   ($5::text[])[1 + floor(random() * array_length($5::text[], 1))::int] AS category,
                   ($6::text[])[1 + floor(random() * array_length($6::text[], 1))::int] AS source,
                   floor(random() * (SELECT spots FROM n))::bigint AS spot,
                   random() AS r_reg, random() AS r_disp, random() AS r_handle, random() AS r_close, random() AS r_score,
                   random() AS r_rework, random() AS r_park, random() AS r_open, random() AS r_crew
            FROM generate_series(1, $3) g
        ), timed AS (
            -- Local day (Asia/Shanghai is UTC+8 all year) and hour; 4 in 10 weekend cases move to a weekday of that week.
            SELECT raw.*, c.role, c.deadline_value, c.deadline_unit,
                   (day - interval '8 hours' + hour
                    - CASE WHEN extract(isodow FROM day) IN (6, 7) AND weekend_keep < 0.4
                           THEN (extract(isodow FROM day) - 5 + floor(weekend_keep * 12.5)) * interval '1 day' ELSE interval '0' END) AS local_at
            FROM raw JOIN categories c ON c.code = raw.category
        ), kept AS (
            -- A case that fell before the month (its first morning, or a weekend moved back) goes a week on instead.
            SELECT t.*, CASE WHEN t.local_at < $1 THEN t.local_at + interval '7 days' ELSE t.local_at END AS reported_at FROM timed t
        ), placed AS (
            SELECT t.*, s.unit, s.large, s.team_id, s.location,
                   t.reported_at + CASE t.deadline_unit
                       WHEN 'EmergencyHours' THEN t.deadline_value * interval '1 hour'
                       WHEN 'WorkingHours' THEN t.deadline_value * interval '2 hours'
                       ELSE t.deadline_value * interval '33.6 hours' END AS deadline,
                   t.deadline_unit || ':' || t.deadline_value AS rule
            FROM kept t JOIN seed_spots s ON s.k = t.spot
            WHERE t.reported_at < $4
        ), fated AS (
            SELECT p.*,
                   CASE WHEN p.reported_at >= $4::timestamptz - interval '22 hours'
                        THEN (ARRAY['Reported', 'Registered', 'Dispatched', 'Accepted', 'InProgress', 'Handled'])[1 + floor(p.r_open * 6)::int]
                        WHEN p.r_park < 0.0003 THEN 'Parked' ELSE 'Closed' END AS status,
                   p.reported_at + (2 + p.r_reg * 28) * interval '1 minute' AS registered_at
            FROM placed p
        ), stepped AS (
            SELECT f.*,
                   f.registered_at + (1 + f.r_disp * 19) * interval '1 minute' AS dispatched_at,
                   -- Handling takes 15 % to 110 % of the time allowed (about 90 % in time), at least 20 minutes.
                   greatest(interval '20 minutes', (f.deadline - f.reported_at) * (0.15 + f.r_handle * f.r_handle * 0.95)) AS handling
            FROM fated f
        ), final AS (
            SELECT s.*,
                   CASE WHEN s.status IN ('Accepted', 'InProgress', 'Handled', 'Closed', 'Parked') THEN
                       (SELECT c.ids[1 + floor(s.r_crew * array_length(c.ids, 1))::int] FROM seed_crews c WHERE c.team_id = s.team_id AND c.role = s.role) END AS crew,
                   -- Nothing happens after the year's end: a late case's handling is squeezed into the time left.
                   CASE WHEN s.status IN ('Handled', 'Closed') THEN s.dispatched_at + least(s.handling, ($4::timestamptz - s.dispatched_at) * 0.7) END AS handled_at,
                   CASE WHEN s.status = 'Closed' THEN (ARRAY[3, 4, 4, 5, 5, 5])[1 + floor(s.r_score * 6)::int] END AS score
            FROM stepped s
        ), closing AS (
            SELECT f.*,
                   CASE WHEN f.status = 'Closed' THEN f.handled_at + least((5 + f.r_close * 40) * interval '1 minute', ($4::timestamptz - f.handled_at) * 0.5) END AS closed_at
            FROM final f
        ), inserted AS (
            INSERT INTO incidents (request_key, request_hash, category_code, source, status, location, description, channel, reported_by,
                                   unit_grid_code, large_grid_code, team_id, role, routing, routing_note, reported_at, updated_at,
                                   deadline, deadline_rule, registered_at, dispatched_at, handled_at, closed_at, handler_crew_id, score, rework_count)
            SELECT 'y:' || gen_random_uuid(), sha256(f.g::text::bytea), f.category, f.source, f.status, f.location, NULL, 'seed', 'seed',
                   f.unit, f.large, f.team_id, f.role, 'InGrid', '生成的年度数据', f.reported_at,
                   coalesce(f.closed_at, f.handled_at, CASE WHEN f.status NOT IN ('Reported', 'Registered') THEN f.dispatched_at END, f.reported_at),
                   f.deadline, f.rule,
                   CASE WHEN f.status <> 'Reported' THEN f.registered_at END,
                   CASE WHEN f.status NOT IN ('Reported', 'Registered') THEN f.dispatched_at END,
                   f.handled_at, f.closed_at,
                   f.crew, f.score, CASE WHEN f.status = 'Closed' AND f.r_rework < 0.02 THEN 1 ELSE 0 END
            FROM closing f
            RETURNING id, status, reported_at, registered_at, dispatched_at, handled_at, closed_at, handler_crew_id, score
        ), events AS (
            INSERT INTO incident_events (incident_id, at, actor, actor_role, crew_id, action, from_status, to_status, note)
            SELECT i.id, e.at, e.actor, e.role, e.crew, e.action, e.from_status, e.to_status, e.note
            FROM inserted i CROSS JOIN LATERAL (VALUES
                (1, i.reported_at, 'seed', NULL::text, NULL::int, 'report', NULL::text, 'Reported', '上报'),
                (2, i.registered_at, 'dispatcher', 'dispatcher', NULL, 'register', 'Reported', 'Registered', NULL),
                (3, i.dispatched_at, 'dispatcher', 'dispatcher', NULL, 'dispatch', 'Registered', 'Dispatched', NULL),
                (4, i.dispatched_at + interval '3 minutes', 'crew', 'crew', i.handler_crew_id, 'accept', 'Dispatched', 'Accepted', NULL),
                (5, CASE WHEN i.status = 'InProgress' THEN i.dispatched_at + interval '8 minutes' END, 'crew', 'crew', i.handler_crew_id, 'start', 'Accepted', 'InProgress', NULL),
                (6, CASE WHEN i.status = 'Parked' THEN i.dispatched_at + least(interval '1 day', ($4::timestamptz - i.dispatched_at) * 0.5) END, 'dispatcher', 'dispatcher', NULL, 'park', 'Accepted', 'Parked', '长期挂账'),
                (7, i.handled_at, 'crew', 'crew', i.handler_crew_id, 'handle', 'Accepted', 'Handled', '已处置'),
                (8, i.closed_at - (i.closed_at - i.handled_at) * 0.5, 'dispatcher', 'dispatcher', NULL, 'verify', 'Handled', 'Verified', '评分 ' || i.score),
                (9, i.closed_at, 'dispatcher', 'dispatcher', NULL, 'close', 'Verified', 'Closed', NULL)
            ) AS e(step, at, actor, role, crew, action, from_status, to_status, note)
            WHERE e.at IS NOT NULL AND (e.step <> 4 OR i.handler_crew_id IS NOT NULL)
            ORDER BY i.id, e.step
        )
        INSERT INTO crew_points (crew_id, incident_id, at, points, reason)
        SELECT i.handler_crew_id, i.id, p.at, p.points, p.reason
        FROM inserted i CROSS JOIN LATERAL (VALUES
            (i.dispatched_at + interval '3 minutes', 1, 'took'),
            (i.closed_at, i.score, 'closed')) AS p(at, points, reason)
        WHERE i.handler_crew_id IS NOT NULL AND p.at IS NOT NULL AND p.points IS NOT NULL
        """;

    /// <summary>
    /// Streetlights to $1 lamps: each demo lamp gets neighbours along its own circuit a few metres on (same cabinet
    /// and circuit, the sequence after the circuit's own), each in the unit grid it lands in.
    /// </summary>
    private const string LampsSql = """
        WITH base AS (
            SELECT s.*, count(*) OVER () AS lamps FROM streetlights s WHERE s.component = '01037'
        ), copies AS (
            SELECT b.*, k FROM base b, generate_series(1, greatest(0, ceil(($1 - b.lamps) / b.lamps::numeric))::int) k
        ), numbered AS (
            SELECT c.*, row_number() OVER (ORDER BY c.k, c.code) AS n FROM copies c
        ), placed AS (
            SELECT n.*, ST_SetSRID(ST_Translate(n.location, 0.00004 * n.k * cos(n.n), 0.00004 * n.k * sin(n.n)), 4490) AS at
            FROM numbered n WHERE n.n <= $1 - n.lamps
        )
        INSERT INTO streetlights (code, component, location, road_id, cabinet_code, circuit_code, unit_grid_code, status, circuit_seq, installed_on, lamp_type, power_w)
        SELECT left(p.code, 11) || lpad((100000 + p.n)::text, 6, '0'), p.component, p.at, p.road_id, p.cabinet_code, p.circuit_code,
               coalesce((SELECT u.code FROM grids u WHERE u.level = 'Unit' AND ST_Intersects(u.geometry, p.at) ORDER BY u.code LIMIT 1), p.unit_grid_code),
               'normal', p.circuit_seq + 1000 * p.k, p.installed_on, p.lamp_type, p.power_w
        FROM placed p
        """;
}
