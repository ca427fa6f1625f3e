using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class People : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "active",
                table: "users",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "token_version",
                table: "users",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<string>(
                name: "large_grid_code",
                table: "teams",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(20)",
                oldMaxLength: 20,
                oldCollation: "C");

            migrationBuilder.AlterColumn<int>(
                name: "id",
                table: "teams",
                type: "integer",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer")
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "teams",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "Grid");

            migrationBuilder.AlterColumn<int>(
                name: "id",
                table: "crews",
                type: "integer",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer")
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddColumn<bool>(
                name: "active",
                table: "crews",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "phone",
                table: "crews",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_teams_name",
                table: "teams",
                column: "name",
                unique: true);

            // Ids given explicitly before (the demo's) must not collide with generated ones.
            migrationBuilder.Sql("SELECT setval(pg_get_serial_sequence('teams', 'id'), coalesce(max(id), 0) + 1, false) FROM teams;");
            migrationBuilder.Sql("SELECT setval(pg_get_serial_sequence('crews', 'id'), coalesce(max(id), 0) + 1, false) FROM crews;");
            migrationBuilder.Sql("CREATE UNIQUE INDEX ux_users_username_lower ON users (lower(username));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ux_users_username_lower;");
            migrationBuilder.DropIndex(
                name: "ix_teams_name",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "active",
                table: "users");

            migrationBuilder.DropColumn(
                name: "token_version",
                table: "users");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "active",
                table: "crews");

            migrationBuilder.DropColumn(
                name: "phone",
                table: "crews");

            migrationBuilder.AlterColumn<string>(
                name: "large_grid_code",
                table: "teams",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "",
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(20)",
                oldMaxLength: 20,
                oldNullable: true,
                oldCollation: "C");

            migrationBuilder.AlterColumn<int>(
                name: "id",
                table: "teams",
                type: "integer",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer")
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AlterColumn<int>(
                name: "id",
                table: "crews",
                type: "integer",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer")
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
        }
    }
}
