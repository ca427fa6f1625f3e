using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class StreetlightChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION gridgov_streetlights_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('streetlights_changed', TG_OP);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER streetlights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON streetlights
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_streetlights_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS streetlights_changed ON streetlights;
                DROP FUNCTION IF EXISTS gridgov_streetlights_changed();
                """);
        }
    }
}
