namespace GridGov.Api.Streetlights;

/// <summary>SQL shared by the demo loader and the lamp import (the Streetlights migration keeps its own copy of what it ran).</summary>
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
}
