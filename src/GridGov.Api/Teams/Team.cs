namespace GridGov.Api.Teams;

/// <summary>A grid team answers for a large grid; an asset group (the streetlight office, line or repair group) for assets.</summary>
public enum TeamKind
{
    Grid,
    AssetGroup,
}

/// <summary>The responsible team of a large grid, e.g. in the "2+1+1+1" mix, or an asset group.</summary>
public sealed class Team
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public TeamKind Kind { get; set; }
    /// <summary>The large grid a grid team answers for; null for an asset group.</summary>
    public string? LargeGridCode { get; set; }
    public required string RoleMix { get; set; }
    /// <summary>For the streetlight asset groups: which of the three it is.</summary>
    public StreetlightDuty? Duty { get; set; }
    public List<Crew> Members { get; set; } = [];
}

/// <summary>The streetlight office's three groups: office (内勤, takes calls and checks), line (线路, circuits, cables, cabinets), repair (维修, lamps and poles).</summary>
public enum StreetlightDuty
{
    Office,
    Line,
    Repair,
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

/// <summary>Staggered duty (早、中、晚错时值班), and the night of "white + black" (白加黑) patrols; the hours are a setting.</summary>
public enum Shift
{
    Early,
    Middle,
    Late,
    Night,
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
    public string? Phone { get; set; }
    /// <summary>A crew that left is kept (its cases, points and trails name it) but no longer on duty or listed.</summary>
    public bool Active { get; set; } = true;
    /// <summary>Since when the crew signed off duty in the phone app (下班); null while on duty. Off duty, no offers.</summary>
    public DateTimeOffset? OffDutySince { get; set; }
}
