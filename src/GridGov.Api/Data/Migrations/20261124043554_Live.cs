using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Live : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_incidents_handler_crew_id",
                table: "incidents");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pgrouting", ",,")
                .Annotation("Npgsql:PostgresExtension:postgis", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:postgis", ",,");

            migrationBuilder.CreateTable(
                name: "crew_positions",
                columns: table => new
                {
                    crew_id = table.Column<int>(type: "integer", nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4490)", nullable: false),
                    t = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accuracy_m = table.Column<float>(type: "real", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_crew_positions", x => x.crew_id);
                    table.ForeignKey(
                        name: "fk_crew_positions_crews_crew_id",
                        column: x => x.crew_id,
                        principalTable: "crews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "incident_offers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    incident_id = table.Column<long>(type: "bigint", nullable: false),
                    crew_id = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    offered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    offered_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    automatic = table.Column<bool>(type: "boolean", nullable: false),
                    distance_m = table.Column<double>(type: "double precision", nullable: true),
                    eta_s = table.Column<double>(type: "double precision", nullable: true),
                    by_road = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_incident_offers", x => x.id);
                    table.ForeignKey(
                        name: "fk_incident_offers_crews_crew_id",
                        column: x => x.crew_id,
                        principalTable: "crews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_incident_offers_incidents_incident_id",
                        column: x => x.incident_id,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_handler_crew_id_status",
                table: "incidents",
                columns: new[] { "handler_crew_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_crew_positions_location",
                table: "crew_positions",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_incident_offers_crew_id_status",
                table: "incident_offers",
                columns: new[] { "crew_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_incident_offers_status_expires_at",
                table: "incident_offers",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ux_incident_offers_pending",
                table: "incident_offers",
                column: "incident_id",
                unique: true,
                filter: "status = 'Pending'");


            // Position history: partitioned by UTC day so retention drops whole partitions; a default partition
            // catches anything outside the kept days instead of failing a batch.
            migrationBuilder.Sql("""
                CREATE TABLE position_history (
                    crew_id integer NOT NULL REFERENCES crews (id) ON DELETE CASCADE,
                    t timestamptz NOT NULL,
                    location geometry(Point, 4490) NOT NULL,
                    accuracy_m real,
                    PRIMARY KEY (crew_id, t)
                ) PARTITION BY RANGE (t);
                CREATE TABLE position_history_default PARTITION OF position_history DEFAULT;

                CREATE FUNCTION gridgov_position_partitions(first_day date, last_day date, keep_from date) RETURNS integer
                LANGUAGE plpgsql AS $$
                DECLARE
                    d date;
                    part record;
                    dropped integer := 0;
                BEGIN
                    -- Several instances may start at once: one keeps the partitions at a time.
                    PERFORM pg_advisory_xact_lock(hashtext('gridgov_position_partitions'));
                    FOR d IN SELECT generate_series(first_day, last_day, interval '1 day')::date LOOP
                        IF to_regclass(format('position_history_%s', to_char(d, 'YYYYMMDD'))) IS NULL THEN
                            EXECUTE format('CREATE TABLE %I PARTITION OF position_history FOR VALUES FROM (%L) TO (%L)',
                                'position_history_' || to_char(d, 'YYYYMMDD'), d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
                        END IF;
                    END LOOP;
                    FOR part IN
                        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                        WHERE i.inhparent = 'position_history'::regclass AND c.relname ~ '^position_history_[0-9]{8}$'
                          AND to_date(substring(c.relname from '[0-9]{8}$'), 'YYYYMMDD') < keep_from
                    LOOP
                        EXECUTE format('DROP TABLE %I', part.relname);
                        dropped := dropped + 1;
                    END LOOP;
                    RETURN dropped;
                END $$;

                CREATE FUNCTION gridgov_roads_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('roads_changed', TG_OP);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER roads_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON roads
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_roads_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS roads_changed ON roads;
                DROP FUNCTION IF EXISTS gridgov_roads_changed();
                DROP FUNCTION IF EXISTS gridgov_position_partitions(date, date, date);
                DROP TABLE IF EXISTS position_history;
                """);

            migrationBuilder.DropTable(
                name: "crew_positions");

            migrationBuilder.DropTable(
                name: "incident_offers");

            migrationBuilder.DropIndex(
                name: "ix_incidents_handler_crew_id_status",
                table: "incidents");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:postgis", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:pgrouting", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:postgis", ",,");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_handler_crew_id",
                table: "incidents",
                column: "handler_crew_id");
        }
    }
}
