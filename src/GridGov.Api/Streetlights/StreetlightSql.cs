namespace GridGov.Api.Streetlights;

/// <summary>SQL shared by the migration, the demo loader and the lamp import.</summary>
public static class StreetlightSql
{
    /// <summary>The circuits the lamps name (number from the code's "-N"), and none they no longer name.</summary>
    public const string DeriveCircuits = """
        INSERT INTO circuits (code, cabinet_code, number, status)
        SELECT DISTINCT ON (s.circuit_code) s.circuit_code, s.cabinet_code, COALESCE(substring(s.circuit_code FROM '-([0-9]+)$')::int, 0), 'normal'
        FROM streetlights s WHERE s.circuit_code IS NOT NULL AND s.component = '01037'
        ORDER BY s.circuit_code, s.code
        ON CONFLICT (code) DO UPDATE SET cabinet_code = EXCLUDED.cabinet_code, number = EXCLUDED.number
          WHERE (circuits.cabinet_code, circuits.number) IS DISTINCT FROM (EXCLUDED.cabinet_code, EXCLUDED.number);
        DELETE FROM circuits c WHERE NOT EXISTS (SELECT 1 FROM streetlights s WHERE s.circuit_code = c.code);
        """;

    /// <summary>
    /// A lamp's, cabinet's or circuit's status follows its cases: faulty while an open case names it, normal when the
    /// last one is closed or voided; a lamp switched off on purpose stays off. Row triggers on incidents that name an
    /// asset (every other incident skips them by the WHEN clause); status changes notify <c>streetlight_status</c>,
    /// other lamp changes <c>streetlights_changed</c>.
    /// </summary>
    public const string Triggers = """
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
        """;

    public const string DropTriggers = """
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
        """;
}
