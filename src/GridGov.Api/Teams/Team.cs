namespace GridGov.Api.Teams;

/// <summary>The responsible team of a large grid, e.g. in the "2+1+1+1" mix.</summary>
public sealed class Team
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string LargeGridCode { get; set; }
    public required string RoleMix { get; set; }
    public List<Crew> Members { get; set; } = [];
}

/// <summary>What a member handles: the incident category decides which role gets a case.</summary>
public enum CrewRole
{
    Lead,
    Enforcement,
    Municipal,
    Landscaping,
    Sanitation,
    Community,
}

/// <summary>Staggered duty (早、中、晚错时值班).</summary>
public enum Shift
{
    Early,
    Middle,
    Late,
}

/// <summary>A team member on the ground, carrying a phone that reports positions.</summary>
public sealed class Crew
{
    public int Id { get; set; }
    public int TeamId { get; set; }
    public required string Name { get; set; }
    public required string EmployeeNo { get; set; }
    public CrewRole Role { get; set; }
    public Shift Shift { get; set; }
    public bool IsLead { get; set; }
}
