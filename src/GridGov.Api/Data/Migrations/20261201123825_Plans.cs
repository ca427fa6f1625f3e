using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Plans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_incidents_grids_large_grid_code",
                table: "incidents");

            migrationBuilder.DropForeignKey(
                name: "fk_incidents_grids_unit_grid_code",
                table: "incidents");

            migrationBuilder.CreateTable(
                name: "plans",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    based_on_id = table.Column<long>(type: "bigint", nullable: true),
                    created_by = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plans", x => x.id);
                    table.ForeignKey(
                        name: "fk_plans_plans_based_on_id",
                        column: x => x.based_on_id,
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "plan_edits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    plan_id = table.Column<long>(type: "bigint", nullable: false),
                    seq = table.Column<int>(type: "integer", nullable: false),
                    op = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    summary = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    actor = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    undone = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_edits", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_edits_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_grids",
                columns: table => new
                {
                    plan_id = table.Column<long>(type: "bigint", nullable: false),
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, collation: "C"),
                    level = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    parent_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true, collation: "C"),
                    team_id = table.Column<int>(type: "integer", nullable: true),
                    geometry = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,4490)", nullable: false),
                    area_m2 = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_grids", x => new { x.plan_id, x.code });
                    table.ForeignKey(
                        name: "fk_plan_grids_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_edit_grids",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    edit_id = table.Column<long>(type: "bigint", nullable: false),
                    after = table.Column<bool>(type: "boolean", nullable: false),
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, collation: "C"),
                    level = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    parent_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true, collation: "C"),
                    team_id = table.Column<int>(type: "integer", nullable: true),
                    geometry = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,4490)", nullable: true),
                    area_m2 = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_edit_grids", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_edit_grids_plan_edits_edit_id",
                        column: x => x.edit_id,
                        principalTable: "plan_edits",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_plan_edit_grids_edit_id",
                table: "plan_edit_grids",
                column: "edit_id");

            migrationBuilder.CreateIndex(
                name: "ix_plan_edits_plan_id_seq",
                table: "plan_edits",
                columns: new[] { "plan_id", "seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_plan_grids_geometry",
                table: "plan_grids",
                column: "geometry")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_plan_grids_plan_id_level",
                table: "plan_grids",
                columns: new[] { "plan_id", "level" });

            migrationBuilder.CreateIndex(
                name: "ix_plans_based_on_id",
                table: "plans",
                column: "based_on_id");

            migrationBuilder.CreateIndex(
                name: "ux_plans_one_published",
                table: "plans",
                column: "status",
                unique: true,
                filter: "status = 'Published'");

            // The grids in force become the published plan (an empty one on a fresh database: there is always exactly one).
            migrationBuilder.Sql("""
                INSERT INTO plans (name, status, created_by, created_at, published_at, version)
                VALUES ('现行方案', 'Published', 'system', now(), now(), 0);
                INSERT INTO plan_grids (plan_id, code, level, name, parent_code, team_id, geometry, area_m2)
                SELECT (SELECT id FROM plans WHERE status = 'Published'), code, level, name, parent_code, team_id, geometry, area_m2 FROM grids;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "plan_edit_grids");

            migrationBuilder.DropTable(
                name: "plan_grids");

            migrationBuilder.DropTable(
                name: "plan_edits");

            migrationBuilder.DropTable(
                name: "plans");

            migrationBuilder.AddForeignKey(
                name: "fk_incidents_grids_large_grid_code",
                table: "incidents",
                column: "large_grid_code",
                principalTable: "grids",
                principalColumn: "code",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_incidents_grids_unit_grid_code",
                table: "incidents",
                column: "unit_grid_code",
                principalTable: "grids",
                principalColumn: "code",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
