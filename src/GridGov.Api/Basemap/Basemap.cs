using NetTopologySuite.Geometries;

namespace GridGov.Api.Basemap;

/// <summary>A noded, walkable road segment; Source/Target are junction ids (the pgRouting edge layout).</summary>
public sealed class Road
{
    public int Id { get; set; }
    public required string Class { get; set; }
    public string? Name { get; set; }
    public required LineString Geometry { get; set; }
    public int Source { get; set; }
    public int Target { get; set; }
    public double LengthM { get; set; }
    /// <summary>Part of the walking network (footways, paths, steps, streets; never motorways).</summary>
    public bool Walk { get; set; } = true;
    /// <summary>A street crews ride (not a footway, path or steps).</summary>
    public bool Drive { get; set; } = true;
    /// <summary>The OpenStreetMap way this segment came from, when imported.</summary>
    public long? OsmId { get; set; }
}

public sealed class Building
{
    public int Id { get; set; }
    public required string Kind { get; set; }
    public required Polygon Geometry { get; set; }
    public int Floors { get; set; }
    public int Households { get; set; }
    /// <summary>The unit grid the building lies in; null when it lies outside every unit grid (an imported town).</summary>
    public string? UnitGridCode { get; set; }
    public long? OsmId { get; set; }
}

/// <summary>A community facility of the 15-minute life circle (GB 50180-2018).</summary>
public sealed class Facility
{
    public int Id { get; set; }
    public required string Kind { get; set; }
    public required string Name { get; set; }
    public int LevelMinutes { get; set; }
    public required Point Location { get; set; }
    public string? UnitGridCode { get; set; }
    /// <summary>The OpenStreetMap object (n/w/r + id) it came from, when imported; null for demo and hand-placed ones.</summary>
    public string? OsmRef { get; set; }
}

/// <summary>A streetlight-system component (GB/T 47678.5): 01037 streetlight or 01060 power cabinet.</summary>
public sealed class Streetlight
{
    public required string Code { get; set; }
    public required string Component { get; set; }
    public required Point Location { get; set; }
    public int? RoadId { get; set; }
    public required string CabinetCode { get; set; }
    public string? CircuitCode { get; set; }
    public required string UnitGridCode { get; set; }
    /// <summary>normal, faulty (an open case names it) or off (switched off on purpose); cases keep it up to date.</summary>
    public string Status { get; set; } = "normal";
    /// <summary>The lamp's place along its circuit's cable, from the cabinet (1 = first).</summary>
    public int? CircuitSeq { get; set; }
    /// <summary>The pole's own number when it differs from the lamp code (several lamps on one pole).</summary>
    public string? PoleCode { get; set; }
    /// <summary>LED, sodium, …</summary>
    public string? LampType { get; set; }
    public int? PowerW { get; set; }
    public DateOnly? InstalledOn { get; set; }
}

/// <summary>A circuit (回路) fed from a power cabinet; its lamps are the streetlights naming it, in <see cref="Streetlight.CircuitSeq"/> order.</summary>
public sealed class Circuit
{
    /// <summary>The cabinet's 17-digit code, a dash and the circuit's number: 36070301060000001-2.</summary>
    public required string Code { get; set; }
    public required string CabinetCode { get; set; }
    public int Number { get; set; }
    /// <summary>normal or faulty (an open circuit-fault case names it).</summary>
    public string Status { get; set; } = "normal";
}

/// <summary>A night patrol's check of one circuit (are its lamps lit?) on one night (the local date the night began).</summary>
public sealed class CircuitCheck
{
    public long Id { get; set; }
    public required string CircuitCode { get; set; }
    public DateOnly Night { get; set; }
    public int? CrewId { get; set; }
    public required string CheckedBy { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
}
