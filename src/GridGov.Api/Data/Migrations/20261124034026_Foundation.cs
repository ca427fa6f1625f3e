using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Foundation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:postgis", ",,");

            migrationBuilder.CreateTable(
                name: "app_state",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_app_state", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "buildings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    geometry = table.Column<Polygon>(type: "geometry(Polygon,4490)", nullable: false),
                    floors = table.Column<int>(type: "integer", nullable: false),
                    households = table.Column<int>(type: "integer", nullable: false),
                    unit_grid_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_buildings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "facilities",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    level_minutes = table.Column<int>(type: "integer", nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4490)", nullable: false),
                    unit_grid_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_facilities", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "roads",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    @class = table.Column<string>(name: "class", type: "character varying(12)", maxLength: 12, nullable: false),
                    name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    geometry = table.Column<LineString>(type: "geometry(LineString,4490)", nullable: false),
                    source = table.Column<int>(type: "integer", nullable: false),
                    target = table.Column<int>(type: "integer", nullable: false),
                    length_m = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roads", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "teams",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    large_grid_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, collation: "C"),
                    role_mix = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_teams", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "streetlights",
                columns: table => new
                {
                    code = table.Column<string>(type: "character(17)", fixedLength: true, maxLength: 17, nullable: false),
                    component = table.Column<string>(type: "character(5)", fixedLength: true, maxLength: 5, nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4490)", nullable: false),
                    road_id = table.Column<int>(type: "integer", nullable: true),
                    cabinet_code = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    circuit_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    unit_grid_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, collation: "C"),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_streetlights", x => x.code);
                    table.ForeignKey(
                        name: "fk_streetlights_roads_road_id",
                        column: x => x.road_id,
                        principalTable: "roads",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "crews",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    team_id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    employee_no = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    shift = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    is_lead = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_crews", x => x.id);
                    table.ForeignKey(
                        name: "fk_crews_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "grids",
                columns: table => new
                {
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
                    table.PrimaryKey("pk_grids", x => x.code);
                    table.ForeignKey(
                        name: "fk_grids_grids_parent_code",
                        column: x => x.parent_code,
                        principalTable: "grids",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_grids_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    password_hash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    roles = table.Column<string[]>(type: "text[]", nullable: false),
                    team_id = table.Column<int>(type: "integer", nullable: true),
                    crew_id = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_users_crews_crew_id",
                        column: x => x.crew_id,
                        principalTable: "crews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_users_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "key_posts",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4490)", nullable: false),
                    radius_m = table.Column<int>(type: "integer", nullable: false),
                    team_id = table.Column<int>(type: "integer", nullable: false),
                    large_grid_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_key_posts", x => x.code);
                    table.ForeignKey(
                        name: "fk_key_posts_grids_large_grid_code",
                        column: x => x.large_grid_code,
                        principalTable: "grids",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_key_posts_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_buildings_geometry",
                table: "buildings",
                column: "geometry")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_crews_employee_no",
                table: "crews",
                column: "employee_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_crews_team_id",
                table: "crews",
                column: "team_id");

            migrationBuilder.CreateIndex(
                name: "ix_facilities_kind",
                table: "facilities",
                column: "kind");

            migrationBuilder.CreateIndex(
                name: "ix_facilities_location",
                table: "facilities",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_grids_geometry",
                table: "grids",
                column: "geometry")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_grids_level",
                table: "grids",
                column: "level");

            migrationBuilder.CreateIndex(
                name: "ix_grids_parent_code",
                table: "grids",
                column: "parent_code");

            migrationBuilder.CreateIndex(
                name: "ix_grids_team_id",
                table: "grids",
                column: "team_id");

            migrationBuilder.CreateIndex(
                name: "ix_key_posts_large_grid_code",
                table: "key_posts",
                column: "large_grid_code");

            migrationBuilder.CreateIndex(
                name: "ix_key_posts_location",
                table: "key_posts",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_key_posts_team_id",
                table: "key_posts",
                column: "team_id");

            migrationBuilder.CreateIndex(
                name: "ix_roads_geometry",
                table: "roads",
                column: "geometry")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_roads_source",
                table: "roads",
                column: "source");

            migrationBuilder.CreateIndex(
                name: "ix_roads_target",
                table: "roads",
                column: "target");

            migrationBuilder.CreateIndex(
                name: "ix_streetlights_circuit_code",
                table: "streetlights",
                column: "circuit_code");

            migrationBuilder.CreateIndex(
                name: "ix_streetlights_location",
                table: "streetlights",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_streetlights_road_id",
                table: "streetlights",
                column: "road_id");

            migrationBuilder.CreateIndex(
                name: "ix_teams_large_grid_code",
                table: "teams",
                column: "large_grid_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_crew_id",
                table: "users",
                column: "crew_id");

            migrationBuilder.CreateIndex(
                name: "ix_users_team_id",
                table: "users",
                column: "team_id");

            migrationBuilder.CreateIndex(
                name: "ix_users_username",
                table: "users",
                column: "username",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_state");

            migrationBuilder.DropTable(
                name: "buildings");

            migrationBuilder.DropTable(
                name: "facilities");

            migrationBuilder.DropTable(
                name: "key_posts");

            migrationBuilder.DropTable(
                name: "streetlights");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "grids");

            migrationBuilder.DropTable(
                name: "roads");

            migrationBuilder.DropTable(
                name: "crews");

            migrationBuilder.DropTable(
                name: "teams");
        }
    }
}
