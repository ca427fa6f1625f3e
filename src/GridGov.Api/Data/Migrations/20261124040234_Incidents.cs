using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Incidents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "categories",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false, collation: "C"),
                    major = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name_en = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    deadline_value = table.Column<int>(type: "integer", nullable: false),
                    deadline_unit = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    urgency = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_categories", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "holidays",
                columns: table => new
                {
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    working = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holidays", x => x.date);
                });

            migrationBuilder.CreateTable(
                name: "open311_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    key_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true),
                    revoked = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_open311_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    request_key = table.Column<string>(type: "character varying(110)", maxLength: 110, nullable: false, collation: "C"),
                    client_request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    request_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    category_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false, collation: "C"),
                    source = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4490)", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    asset_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    channel = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    reported_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reporter_crew_id = table.Column<int>(type: "integer", nullable: true),
                    unit_grid_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true, collation: "C"),
                    large_grid_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true, collation: "C"),
                    team_id = table.Column<int>(type: "integer", nullable: true),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    routing = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    routing_distance_m = table.Column<double>(type: "double precision", nullable: true),
                    routing_note = table.Column<string>(type: "text", nullable: false),
                    duplicate_of = table.Column<long>(type: "bigint", nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deadline_rule = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    registered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    handled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    overdue_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    escalated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    handler_crew_id = table.Column<int>(type: "integer", nullable: true),
                    score = table.Column<int>(type: "integer", nullable: true),
                    rework_count = table.Column<int>(type: "integer", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_incidents", x => x.id);
                    table.CheckConstraint("ck_incidents_description", "char_length(description) <= 4000");
                    table.CheckConstraint("ck_incidents_score", "score IS NULL OR score BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_incidents_categories_category_code",
                        column: x => x.category_code,
                        principalTable: "categories",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_incidents_crews_handler_crew_id",
                        column: x => x.handler_crew_id,
                        principalTable: "crews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_incidents_grids_large_grid_code",
                        column: x => x.large_grid_code,
                        principalTable: "grids",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_incidents_grids_unit_grid_code",
                        column: x => x.unit_grid_code,
                        principalTable: "grids",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_incidents_incidents_duplicate_of",
                        column: x => x.duplicate_of,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_incidents_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "crew_points",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    crew_id = table.Column<int>(type: "integer", nullable: false),
                    incident_id = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    points = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_crew_points", x => x.id);
                    table.ForeignKey(
                        name: "fk_crew_points_crews_crew_id",
                        column: x => x.crew_id,
                        principalTable: "crews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_crew_points_incidents_incident_id",
                        column: x => x.incident_id,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "incident_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    incident_id = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    actor_role = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    crew_id = table.Column<int>(type: "integer", nullable: true),
                    action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    from_status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    to_status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    note = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_incident_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_incident_events_incidents_incident_id",
                        column: x => x.incident_id,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "notices",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    incident_id = table.Column<long>(type: "bigint", nullable: true),
                    audience = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    crew_id = table.Column<int>(type: "integer", nullable: true),
                    text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notices", x => x.id);
                    table.ForeignKey(
                        name: "fk_notices_incidents_incident_id",
                        column: x => x.incident_id,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_crew_points_crew_id_at",
                table: "crew_points",
                columns: new[] { "crew_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_crew_points_incident_id",
                table: "crew_points",
                column: "incident_id");

            migrationBuilder.CreateIndex(
                name: "ix_incident_events_crew_id_at",
                table: "incident_events",
                columns: new[] { "crew_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_incident_events_incident_id_id",
                table: "incident_events",
                columns: new[] { "incident_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_category_code_reported_at",
                table: "incidents",
                columns: new[] { "category_code", "reported_at" });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_closed_at",
                table: "incidents",
                column: "closed_at");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_duplicate_of",
                table: "incidents",
                column: "duplicate_of");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_handler_crew_id",
                table: "incidents",
                column: "handler_crew_id");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_large_grid_code_reported_at",
                table: "incidents",
                columns: new[] { "large_grid_code", "reported_at" });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_location",
                table: "incidents",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_request_key",
                table: "incidents",
                column: "request_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_incidents_status_deadline",
                table: "incidents",
                columns: new[] { "status", "deadline" });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_team_id_status",
                table: "incidents",
                columns: new[] { "team_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_unit_grid_code",
                table: "incidents",
                column: "unit_grid_code");

            migrationBuilder.CreateIndex(
                name: "ix_notices_audience_id",
                table: "notices",
                columns: new[] { "audience", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_notices_incident_id_kind_audience",
                table: "notices",
                columns: new[] { "incident_id", "kind", "audience" });

            migrationBuilder.CreateIndex(
                name: "ix_open311_keys_key_hash",
                table: "open311_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_open311_keys_name",
                table: "open311_keys",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crew_points");

            migrationBuilder.DropTable(
                name: "holidays");

            migrationBuilder.DropTable(
                name: "incident_events");

            migrationBuilder.DropTable(
                name: "notices");

            migrationBuilder.DropTable(
                name: "open311_keys");

            migrationBuilder.DropTable(
                name: "incidents");

            migrationBuilder.DropTable(
                name: "categories");
        }
    }
}
