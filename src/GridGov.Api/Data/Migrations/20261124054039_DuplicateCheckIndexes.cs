using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class DuplicateCheckIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_incidents_duplicate_of",
                table: "incidents");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_duplicate_of",
                table: "incidents",
                column: "duplicate_of",
                filter: "duplicate_of IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_open_location",
                table: "incidents",
                column: "location",
                filter: "duplicate_of IS NULL AND status NOT IN ('Closed', 'Voided')")
                .Annotation("Npgsql:IndexMethod", "gist");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_incidents_duplicate_of",
                table: "incidents");

            migrationBuilder.DropIndex(
                name: "ix_incidents_open_location",
                table: "incidents");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_duplicate_of",
                table: "incidents",
                column: "duplicate_of");
        }
    }
}
