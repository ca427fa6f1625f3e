using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class CircuitChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "circuit_checks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    circuit_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    night = table.Column<DateOnly>(type: "date", nullable: false),
                    crew_id = table.Column<int>(type: "integer", nullable: true),
                    checked_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_circuit_checks", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_circuit_checks_circuit_code_night",
                table: "circuit_checks",
                columns: new[] { "circuit_code", "night" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_circuit_checks_night",
                table: "circuit_checks",
                column: "night");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "circuit_checks");
        }
    }
}
