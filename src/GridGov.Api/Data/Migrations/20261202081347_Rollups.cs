using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Rollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_incidents_reporter_crew_id_reported_at",
                table: "incidents",
                columns: new[] { "reporter_crew_id", "reported_at" },
                filter: "reporter_crew_id IS NOT NULL");
            migrationBuilder.Sql(RollupsSql);
        }

        private const string RollupsSql = """
            -- Daily roll-ups of the indicators (issue 16). A case counts towards the day it was reported on (its cohort), in
            -- the calendar's time zone, under each of its large grid, team, category and handling crew member; points count
            -- towards the day they were earned, under the crew member. Every write to incidents or crew_points appends its
            -- difference to rollup_deltas in the same statement (statement triggers over the transition tables), so a write
            -- never waits on a shared counter row; rollups_fold() moves the deltas into daily_rollups every few seconds, and
            -- readers read both tables in one statement, so a read is exact, with no lag.
            CREATE TABLE rollup_settings (
                id int PRIMARY KEY CHECK (id = 1),
                time_zone text NOT NULL
            );
            INSERT INTO rollup_settings VALUES (1, 'Asia/Shanghai');

            CREATE TABLE daily_rollups (
                dim text NOT NULL CHECK (dim IN ('largeGrid', 'team', 'category', 'crew')),
                day date NOT NULL,
                key text COLLATE "C" NOT NULL,
                cases int NOT NULL DEFAULT 0,
                registered int NOT NULL DEFAULT 0,
                closed int NOT NULL DEFAULT 0,
                closed_on_time int NOT NULL DEFAULT 0,
                reworked int NOT NULL DEFAULT 0,
                handling_seconds numeric NOT NULL DEFAULT 0,
                points int NOT NULL DEFAULT 0,
                point_rows int NOT NULL DEFAULT 0,
                scored int NOT NULL DEFAULT 0,
                PRIMARY KEY (dim, day, key)
            );

            CREATE TABLE rollup_deltas (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                dim text NOT NULL,
                day date NOT NULL,
                key text COLLATE "C" NOT NULL,
                cases int NOT NULL DEFAULT 0,
                registered int NOT NULL DEFAULT 0,
                closed int NOT NULL DEFAULT 0,
                closed_on_time int NOT NULL DEFAULT 0,
                reworked int NOT NULL DEFAULT 0,
                handling_seconds numeric NOT NULL DEFAULT 0,
                points int NOT NULL DEFAULT 0,
                point_rows int NOT NULL DEFAULT 0,
                scored int NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_rollup_deltas_dim_day ON rollup_deltas (dim, day);

            -- One case's share (sign 1) or its withdrawal (sign -1): a row per dimension it has a key in. Duplicates and voided
            -- cases count nowhere, as in the indicators.
            CREATE FUNCTION rollup_case(p_reported_at timestamptz, p_large_grid text, p_team int, p_category text, p_crew int,
                p_registered_at timestamptz, p_closed_at timestamptz, p_deadline timestamptz, p_rework_count int, p_duplicate_of bigint,
                p_status text, p_tz text, p_sign int)
            RETURNS TABLE (dim text, day date, key text, cases int, registered int, closed int, closed_on_time int, reworked int, handling_seconds numeric)
            LANGUAGE sql STABLE AS $fn$
                SELECT d.dim, (p_reported_at AT TIME ZONE p_tz)::date, d.key, p_sign,
                    CASE WHEN p_registered_at IS NOT NULL THEN p_sign ELSE 0 END,
                    CASE WHEN p_closed_at IS NOT NULL THEN p_sign ELSE 0 END,
                    CASE WHEN p_closed_at IS NOT NULL AND p_closed_at <= p_deadline THEN p_sign ELSE 0 END,
                    CASE WHEN p_rework_count > 0 THEN p_sign ELSE 0 END,
                    CASE WHEN p_closed_at IS NOT NULL THEN p_sign * extract(epoch FROM p_closed_at - p_reported_at) ELSE 0 END
                FROM (VALUES ('largeGrid', p_large_grid), ('team', p_team::text), ('category', p_category), ('crew', p_crew::text)) AS d(dim, key)
                WHERE d.key IS NOT NULL AND p_duplicate_of IS NULL AND p_status <> 'Voided'
            $fn$;

            CREATE FUNCTION rollup_incidents() RETURNS trigger LANGUAGE plpgsql AS $fn$
            DECLARE tz text := (SELECT time_zone FROM rollup_settings WHERE id = 1);
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO rollup_deltas (dim, day, key, cases, registered, closed, closed_on_time, reworked, handling_seconds)
                    SELECT c.dim, c.day, c.key, sum(c.cases), sum(c.registered), sum(c.closed), sum(c.closed_on_time), sum(c.reworked), sum(c.handling_seconds)
                    FROM new_rows n CROSS JOIN LATERAL rollup_case(n.reported_at, n.large_grid_code, n.team_id, n.category_code, n.handler_crew_id,
                        n.registered_at, n.closed_at, n.deadline, n.rework_count, n.duplicate_of, n.status, tz, 1) c
                    GROUP BY c.dim, c.day, c.key;
                ELSIF TG_OP = 'UPDATE' THEN
                    INSERT INTO rollup_deltas (dim, day, key, cases, registered, closed, closed_on_time, reworked, handling_seconds)
                    SELECT c.dim, c.day, c.key, sum(c.cases), sum(c.registered), sum(c.closed), sum(c.closed_on_time), sum(c.reworked), sum(c.handling_seconds)
                    FROM (
                        SELECT r.* FROM old_rows o CROSS JOIN LATERAL rollup_case(o.reported_at, o.large_grid_code, o.team_id, o.category_code, o.handler_crew_id,
                            o.registered_at, o.closed_at, o.deadline, o.rework_count, o.duplicate_of, o.status, tz, -1) r
                        UNION ALL
                        SELECT r.* FROM new_rows n CROSS JOIN LATERAL rollup_case(n.reported_at, n.large_grid_code, n.team_id, n.category_code, n.handler_crew_id,
                            n.registered_at, n.closed_at, n.deadline, n.rework_count, n.duplicate_of, n.status, tz, 1) r
                    ) c
                    GROUP BY c.dim, c.day, c.key
                    HAVING sum(c.cases) <> 0 OR sum(c.registered) <> 0 OR sum(c.closed) <> 0 OR sum(c.closed_on_time) <> 0
                        OR sum(c.reworked) <> 0 OR sum(c.handling_seconds) <> 0;
                ELSE
                    INSERT INTO rollup_deltas (dim, day, key, cases, registered, closed, closed_on_time, reworked, handling_seconds)
                    SELECT c.dim, c.day, c.key, sum(c.cases), sum(c.registered), sum(c.closed), sum(c.closed_on_time), sum(c.reworked), sum(c.handling_seconds)
                    FROM old_rows o CROSS JOIN LATERAL rollup_case(o.reported_at, o.large_grid_code, o.team_id, o.category_code, o.handler_crew_id,
                        o.registered_at, o.closed_at, o.deadline, o.rework_count, o.duplicate_of, o.status, tz, -1) c
                    GROUP BY c.dim, c.day, c.key;
                END IF;
                RETURN NULL;
            END
            $fn$;

            CREATE FUNCTION rollup_points() RETURNS trigger LANGUAGE plpgsql AS $fn$
            DECLARE tz text := (SELECT time_zone FROM rollup_settings WHERE id = 1);
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO rollup_deltas (dim, day, key, points, point_rows, scored)
                    SELECT 'crew', (n.at AT TIME ZONE tz)::date, n.crew_id::text, sum(n.points), count(*), count(*) FILTER (WHERE n.reason = 'closed')
                    FROM new_rows n GROUP BY 2, 3;
                ELSIF TG_OP = 'UPDATE' THEN
                    INSERT INTO rollup_deltas (dim, day, key, points, point_rows, scored)
                    SELECT 'crew', c.day, c.key, sum(c.points), sum(c.point_rows), sum(c.scored)
                    FROM (
                        SELECT (o.at AT TIME ZONE tz)::date AS day, o.crew_id::text AS key, -o.points AS points, -1 AS point_rows,
                            CASE WHEN o.reason = 'closed' THEN -1 ELSE 0 END AS scored FROM old_rows o
                        UNION ALL
                        SELECT (n.at AT TIME ZONE tz)::date, n.crew_id::text, n.points, 1, CASE WHEN n.reason = 'closed' THEN 1 ELSE 0 END FROM new_rows n
                    ) c
                    GROUP BY c.day, c.key
                    HAVING sum(c.points) <> 0 OR sum(c.point_rows) <> 0 OR sum(c.scored) <> 0;
                ELSE
                    INSERT INTO rollup_deltas (dim, day, key, points, point_rows, scored)
                    SELECT 'crew', (o.at AT TIME ZONE tz)::date, o.crew_id::text, -sum(o.points), -count(*), -count(*) FILTER (WHERE o.reason = 'closed')
                    FROM old_rows o GROUP BY 2, 3;
                END IF;
                RETURN NULL;
            END
            $fn$;

            -- Recomputes every roll-up from the cases and points as they stand: after a change of time zone, a TRUNCATE, or to
            -- repair. Writers wait (SHARE locks) so that nothing is counted twice or lost while it runs.
            CREATE FUNCTION rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE tz text;
            BEGIN
                LOCK TABLE incidents, crew_points IN SHARE MODE;
                LOCK TABLE rollup_deltas, daily_rollups IN EXCLUSIVE MODE;
                tz := (SELECT time_zone FROM rollup_settings WHERE id = 1);
                DELETE FROM rollup_deltas;
                DELETE FROM daily_rollups;
                INSERT INTO daily_rollups (dim, day, key, cases, registered, closed, closed_on_time, reworked, handling_seconds)
                SELECT c.dim, c.day, c.key, sum(c.cases), sum(c.registered), sum(c.closed), sum(c.closed_on_time), sum(c.reworked), sum(c.handling_seconds)
                FROM incidents i CROSS JOIN LATERAL rollup_case(i.reported_at, i.large_grid_code, i.team_id, i.category_code, i.handler_crew_id,
                    i.registered_at, i.closed_at, i.deadline, i.rework_count, i.duplicate_of, i.status, tz, 1) c
                GROUP BY c.dim, c.day, c.key;
                INSERT INTO daily_rollups AS d (dim, day, key, points, point_rows, scored)
                SELECT 'crew', (p.at AT TIME ZONE tz)::date, p.crew_id::text, sum(p.points), count(*), count(*) FILTER (WHERE p.reason = 'closed')
                FROM crew_points p GROUP BY 2, 3
                ON CONFLICT (dim, day, key) DO UPDATE SET points = EXCLUDED.points, point_rows = EXCLUDED.point_rows, scored = EXCLUDED.scored;
            END
            $fn$;

            -- Moves the deltas into the roll-ups in one statement (readers see either, never both); one node at a time.
            CREATE FUNCTION rollups_fold() RETURNS bigint LANGUAGE plpgsql AS $fn$
            DECLARE moved bigint;
            BEGIN
                IF NOT pg_try_advisory_xact_lock(7216011600) THEN RETURN 0; END IF;
                WITH gone AS (DELETE FROM rollup_deltas RETURNING *)
                INSERT INTO daily_rollups AS d (dim, day, key, cases, registered, closed, closed_on_time, reworked, handling_seconds, points, point_rows, scored)
                SELECT dim, day, key, sum(cases), sum(registered), sum(closed), sum(closed_on_time), sum(reworked), sum(handling_seconds),
                    sum(points), sum(point_rows), sum(scored)
                FROM gone GROUP BY dim, day, key ORDER BY dim, day, key
                ON CONFLICT (dim, day, key) DO UPDATE SET cases = d.cases + EXCLUDED.cases, registered = d.registered + EXCLUDED.registered,
                    closed = d.closed + EXCLUDED.closed, closed_on_time = d.closed_on_time + EXCLUDED.closed_on_time,
                    reworked = d.reworked + EXCLUDED.reworked, handling_seconds = d.handling_seconds + EXCLUDED.handling_seconds,
                    points = d.points + EXCLUDED.points, point_rows = d.point_rows + EXCLUDED.point_rows, scored = d.scored + EXCLUDED.scored;
                GET DIAGNOSTICS moved = ROW_COUNT;
                RETURN moved;
            END
            $fn$;

            CREATE FUNCTION rollups_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                PERFORM rollups_rebuild();
                RETURN NULL;
            END
            $fn$;

            CREATE TRIGGER rollup_incidents_insert AFTER INSERT ON incidents REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION rollup_incidents();
            CREATE TRIGGER rollup_incidents_update AFTER UPDATE ON incidents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION rollup_incidents();
            CREATE TRIGGER rollup_incidents_delete AFTER DELETE ON incidents REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION rollup_incidents();
            CREATE TRIGGER rollup_incidents_truncate AFTER TRUNCATE ON incidents FOR EACH STATEMENT EXECUTE FUNCTION rollups_after_truncate();
            CREATE TRIGGER rollup_points_insert AFTER INSERT ON crew_points REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION rollup_points();
            CREATE TRIGGER rollup_points_update AFTER UPDATE ON crew_points REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION rollup_points();
            CREATE TRIGGER rollup_points_delete AFTER DELETE ON crew_points REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION rollup_points();
            CREATE TRIGGER rollup_points_truncate AFTER TRUNCATE ON crew_points FOR EACH STATEMENT EXECUTE FUNCTION rollups_after_truncate();

            SELECT rollups_rebuild();
            """;

        private const string DropRollupsSql = """
            DROP TRIGGER IF EXISTS rollup_incidents_insert ON incidents;
            DROP TRIGGER IF EXISTS rollup_incidents_update ON incidents;
            DROP TRIGGER IF EXISTS rollup_incidents_delete ON incidents;
            DROP TRIGGER IF EXISTS rollup_incidents_truncate ON incidents;
            DROP TRIGGER IF EXISTS rollup_points_insert ON crew_points;
            DROP TRIGGER IF EXISTS rollup_points_update ON crew_points;
            DROP TRIGGER IF EXISTS rollup_points_delete ON crew_points;
            DROP TRIGGER IF EXISTS rollup_points_truncate ON crew_points;
            DROP FUNCTION IF EXISTS rollups_after_truncate();
            DROP FUNCTION IF EXISTS rollups_fold();
            DROP FUNCTION IF EXISTS rollups_rebuild();
            DROP FUNCTION IF EXISTS rollup_points();
            DROP FUNCTION IF EXISTS rollup_incidents();
            DROP FUNCTION IF EXISTS rollup_case(timestamptz, text, int, text, int, timestamptz, timestamptz, timestamptz, int, bigint, text, text, int);
            DROP TABLE IF EXISTS rollup_deltas;
            DROP TABLE IF EXISTS daily_rollups;
            DROP TABLE IF EXISTS rollup_settings;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropRollupsSql);
            migrationBuilder.DropIndex(
                name: "ix_incidents_reporter_crew_id_reported_at",
                table: "incidents");
        }
    }
}
