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

            // Circuits of the lamps already stored, then the status triggers (as StreetlightSql had them when this was written).
            migrationBuilder.Sql("""
                INSERT INTO circuits (code, cabinet_code, number, status)
                SELECT DISTINCT ON (s.circuit_code) s.circuit_code, s.cabinet_code, COALESCE(substring(s.circuit_code FROM '-([0-9]+)$')::int, 0), 'normal'
                FROM streetlights s WHERE s.circuit_code IS NOT NULL AND s.component = '01037'
                ORDER BY s.circuit_code, s.code
                ON CONFLICT (code) DO UPDATE SET cabinet_code = EXCLUDED.cabinet_code, number = EXCLUDED.number
                  WHERE (circuits.cabinet_code, circuits.number) IS DISTINCT FROM (EXCLUDED.cabinet_code, EXCLUDED.number);
                DELETE FROM circuits c WHERE NOT EXISTS (SELECT 1 FROM streetlights s WHERE s.circuit_code = c.code);
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION gridgov_refresh_asset_status(asset text) RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    wanted text := CASE WHEN EXISTS (SELECT 1 FROM incidents i WHERE i.asset_code = asset AND i.status NOT IN ('Closed', 'Voided'))
                                        THEN 'faulty' ELSE 'normal' END;
                BEGIN
                    IF length(asset) = 17 THEN
                        UPDATE streetlights SET status = wanted WHERE code = asset::bpchar AND status <> wanted AND status <> 'off';
                    ELSE
                        UPDATE circuits SET status = wanted WHERE code = asset AND status <> wanted;
                    END IF;
                END $$;

                CREATE FUNCTION gridgov_incident_asset_status() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND OLD.asset_code IS NOT NULL AND OLD.asset_code IS DISTINCT FROM NEW.asset_code THEN
                        PERFORM gridgov_refresh_asset_status(OLD.asset_code);
                    END IF;
                    IF NEW.asset_code IS NOT NULL THEN PERFORM gridgov_refresh_asset_status(NEW.asset_code); END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER incidents_asset_status_ins AFTER INSERT ON incidents
                    FOR EACH ROW WHEN (NEW.asset_code IS NOT NULL) EXECUTE FUNCTION gridgov_incident_asset_status();
                CREATE TRIGGER incidents_asset_status_upd AFTER UPDATE OF status, asset_code ON incidents
                    FOR EACH ROW WHEN ((NEW.asset_code IS NOT NULL OR OLD.asset_code IS NOT NULL)
                        AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.asset_code IS DISTINCT FROM NEW.asset_code))
                    EXECUTE FUNCTION gridgov_incident_asset_status();

                CREATE FUNCTION gridgov_streetlight_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('streetlight_status', TG_TABLE_NAME);
                    RETURN NULL;
                END $$;
                DROP TRIGGER IF EXISTS streetlights_changed ON streetlights;
                CREATE TRIGGER streetlights_changed AFTER INSERT OR DELETE OR TRUNCATE ON streetlights
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_streetlights_changed();
                CREATE TRIGGER streetlights_moved AFTER UPDATE OF code, component, location, road_id, cabinet_code, circuit_code, unit_grid_code, circuit_seq
                    ON streetlights FOR EACH STATEMENT EXECUTE FUNCTION gridgov_streetlights_changed();
                CREATE TRIGGER streetlights_status AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF status ON streetlights
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_streetlight_status_changed();
                CREATE TRIGGER circuits_status AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON circuits
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_streetlight_status_changed();
                CREATE TRIGGER teams_duty AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON teams
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_streetlight_status_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS teams_duty ON teams;
                DROP TRIGGER IF EXISTS circuits_status ON circuits;
                DROP TRIGGER IF EXISTS streetlights_status ON streetlights;
                DROP TRIGGER IF EXISTS streetlights_moved ON streetlights;
                DROP TRIGGER IF EXISTS streetlights_changed ON streetlights;
                CREATE TRIGGER streetlights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON streetlights
                    FOR EACH STATEMENT EXECUTE FUNCTION gridgov_streetlights_changed();
                DROP FUNCTION IF EXISTS gridgov_streetlight_status_changed();
                DROP TRIGGER IF EXISTS incidents_asset_status_upd ON incidents;
                DROP TRIGGER IF EXISTS incidents_asset_status_ins ON incidents;
                DROP FUNCTION IF EXISTS gridgov_incident_asset_status();
                DROP FUNCTION IF EXISTS gridgov_refresh_asset_status(text);
                """);

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
