using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Open311KeyAdmin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_open311_keys_name",
                table: "open311_keys");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_used_at",
                table: "open311_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "prefix",
                table: "open311_keys",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "revoked_at",
                table: "open311_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "revoked_by",
                table: "open311_keys",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_open311_keys_name",
                table: "open311_keys",
                column: "name",
                unique: true,
                filter: "NOT revoked");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_open311_keys_name",
                table: "open311_keys");

            migrationBuilder.DropColumn(
                name: "last_used_at",
                table: "open311_keys");

            migrationBuilder.DropColumn(
                name: "prefix",
                table: "open311_keys");

            migrationBuilder.DropColumn(
                name: "revoked_at",
                table: "open311_keys");

            migrationBuilder.DropColumn(
                name: "revoked_by",
                table: "open311_keys");

            migrationBuilder.CreateIndex(
                name: "ix_open311_keys_name",
                table: "open311_keys",
                column: "name",
                unique: true);
        }
    }
}
