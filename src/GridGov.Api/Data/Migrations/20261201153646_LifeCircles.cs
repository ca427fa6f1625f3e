using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GridGov.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class LifeCircles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "class",
                table: "roads",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(12)",
                oldMaxLength: 12);

            migrationBuilder.AddColumn<bool>(
                name: "drive",
                table: "roads",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<long>(
                name: "osm_id",
                table: "roads",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "walk",
                table: "roads",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AlterColumn<string>(
                name: "unit_grid_code",
                table: "facilities",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(20)",
                oldMaxLength: 20,
                oldCollation: "C");

            migrationBuilder.AddColumn<string>(
                name: "osm_ref",
                table: "facilities",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "unit_grid_code",
                table: "buildings",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(20)",
                oldMaxLength: 20,
                oldCollation: "C");

            migrationBuilder.AddColumn<long>(
                name: "osm_id",
                table: "buildings",
                type: "bigint",
                nullable: true);

            migrationBuilder.Sql("""
                CREATE TABLE building_walk_classes (
                    classes text[] NOT NULL,
                    computed_at timestamptz NOT NULL
                );
                COMMENT ON TABLE building_walk_classes IS 'One row: the facility classes in the order of building_walk.metres';
                CREATE TABLE building_walk (
                    building_id integer PRIMARY KEY,
                    metres real[] NOT NULL
                );
                COMMENT ON TABLE building_walk IS 'Walking metres from each residential building to the nearest facility of each class (in building_walk_classes order; NULL: unreachable); rewritten whole by the life-circle service';
                CREATE FUNCTION building_walk_metres(building integer, facility_class text) RETURNS real LANGUAGE sql STABLE AS $$
                    SELECT w.metres[array_position(c.classes, facility_class)] FROM building_walk w, building_walk_classes c WHERE w.building_id = building
                $$;
                CREATE FUNCTION gridgov_lifecircle_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('lifecircle_changed', TG_TABLE_NAME);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER facilities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facilities
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_lifecircle_changed();
                CREATE TRIGGER buildings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON buildings
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_lifecircle_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS buildings_changed ON buildings;
                DROP TRIGGER IF EXISTS facilities_changed ON facilities;
                DROP FUNCTION IF EXISTS gridgov_lifecircle_changed();
                DROP FUNCTION IF EXISTS building_walk_metres(integer, text);
                DROP TABLE IF EXISTS building_walk;
                DROP TABLE IF EXISTS building_walk_classes;
                """);

            migrationBuilder.DropColumn(
                name: "drive",
                table: "roads");

            migrationBuilder.DropColumn(
                name: "osm_id",
                table: "roads");

            migrationBuilder.DropColumn(
                name: "walk",
                table: "roads");

            migrationBuilder.DropColumn(
                name: "osm_ref",
                table: "facilities");

            migrationBuilder.DropColumn(
                name: "osm_id",
                table: "buildings");

            migrationBuilder.AlterColumn<string>(
                name: "class",
                table: "roads",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(20)",
                oldMaxLength: 20);

            migrationBuilder.AlterColumn<string>(
                name: "unit_grid_code",
                table: "facilities",
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

            migrationBuilder.AlterColumn<string>(
                name: "unit_grid_code",
                table: "buildings",
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
        }
    }
}
