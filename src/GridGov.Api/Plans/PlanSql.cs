namespace GridGov.Api.Plans;

/// <summary>SQL shared by the plan features.</summary>
public static class PlanSql
{
    /// <summary>
    /// The live grids (as a loader wrote them) become the published plan's grids: for the demo loader, which writes
    /// <c>grids</c> directly. Runs in the caller's transaction.
    /// </summary>
    public const string AdoptLiveGrids = """
        DELETE FROM plan_grids WHERE plan_id = (SELECT id FROM plans WHERE status = 'Published');
        INSERT INTO plan_grids (plan_id, code, level, name, parent_code, team_id, geometry, area_m2)
        SELECT (SELECT id FROM plans WHERE status = 'Published'), code, level, name, parent_code, team_id, geometry, area_m2 FROM grids;
        """;

    /// <summary>
    /// The live grids' team marks copied onto the published plan, after an admin gave a team another large grid (the
    /// team of a large grid is the team's setting; the plan carries it so a draft copies it and a publish keeps it).
    /// </summary>
    public const string SyncPublishedTeams = """
        UPDATE plan_grids pg SET team_id = g.team_id
        FROM grids g, plans p
        WHERE p.status = 'Published' AND pg.plan_id = p.id AND pg.code = g.code AND pg.team_id IS DISTINCT FROM g.team_id;
        """;
}
