using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Streetlights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_streetlights_circuit_code",
                table: "streetlights");

            migrationBuilder.AddColumn<string>(
                name: "duty",
                table: "teams",
                type: "character varying(12)",
                maxLength: 12,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "circuit_seq",
                table: "streetlights",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "installed_on",
                table: "streetlights",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lamp_type",
                table: "streetlights",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pole_code",
                table: "streetlights",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "power_w",
                table: "streetlights",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "asset_kind",
                table: "incidents",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "fault_id",
                table: "incidents",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "circuits",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    cabinet_code = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_circuits", x => x.code);
                });

            migrationBuilder.CreateIndex(
                name: "ix_teams_duty",
                table: "teams",
                column: "duty",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_streetlights_circuit_code_circuit_seq",
                table: "streetlights",
                columns: new[] { "circuit_code", "circuit_seq" });

            migrationBuilder.CreateIndex(
                name: "ix_streetlights_status",
                table: "streetlights",
                column: "status",
                filter: "status <> 'normal'");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_fault_id",
                table: "incidents",
                column: "fault_id",
                filter: "fault_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_open_asset",
                table: "incidents",
                column: "asset_code",
                filter: "asset_code IS NOT NULL AND status NOT IN ('Closed', 'Voided')");

            migrationBuilder.CreateIndex(
                name: "ix_circuits_cabinet_code",
                table: "circuits",
                column: "cabinet_code");

            migrationBuilder.AddForeignKey(
                name: "fk_incidents_incidents_fault_id",
                table: "incidents",
                column: "fault_id",
                principalTable: "incidents",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Circuits of the lamps already stored, then the status triggers.
            migrationBuilder.Sql(GridGov.Api.Streetlights.StreetlightSql.DeriveCircuits);
            migrationBuilder.Sql(GridGov.Api.Streetlights.StreetlightSql.Triggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(GridGov.Api.Streetlights.StreetlightSql.DropTriggers);

            migrationBuilder.DropForeignKey(
                name: "fk_incidents_incidents_fault_id",
                table: "incidents");

            migrationBuilder.DropTable(
                name: "circuits");

            migrationBuilder.DropIndex(
                name: "ix_teams_duty",
                table: "teams");

            migrationBuilder.DropIndex(
                name: "ix_streetlights_circuit_code_circuit_seq",
                table: "streetlights");

            migrationBuilder.DropIndex(
                name: "ix_streetlights_status",
                table: "streetlights");

            migrationBuilder.DropIndex(
                name: "ix_incidents_fault_id",
                table: "incidents");

            migrationBuilder.DropIndex(
                name: "ix_incidents_open_asset",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "duty",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "circuit_seq",
                table: "streetlights");

            migrationBuilder.DropColumn(
                name: "installed_on",
                table: "streetlights");

            migrationBuilder.DropColumn(
                name: "lamp_type",
                table: "streetlights");

            migrationBuilder.DropColumn(
                name: "pole_code",
                table: "streetlights");

            migrationBuilder.DropColumn(
                name: "power_w",
                table: "streetlights");

            migrationBuilder.DropColumn(
                name: "asset_kind",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "fault_id",
                table: "incidents");

            migrationBuilder.CreateIndex(
                name: "ix_streetlights_circuit_code",
                table: "streetlights",
                column: "circuit_code");
        }
    }
}
