using NetTopologySuite.Geometries;

namespace GridGov.Geo.Demo;

/// <summary>Administrative and grid levels, top to bottom.</summary>
public enum AreaLevel
{
    County,
    Street,
    Community,
    Large,
    Unit,
}

/// <summary>A generated county: every geometry is lon/lat, SRID 4490.</summary>
public sealed record DemoCounty(
    string CountyCode,
    string CountyName,
    IReadOnlyList<DemoArea> Areas,
    IReadOnlyList<DemoTeam> Teams,
    IReadOnlyList<DemoKeyPost> Posts,
    IReadOnlyList<DemoRoad> Roads,
    IReadOnlyList<DemoStreetlight> Streetlights,
    IReadOnlyList<DemoBuilding> Buildings,
    IReadOnlyList<DemoFacility> Facilities,
    IReadOnlyList<DemoAssetGroup> AssetGroups)
{
    public IEnumerable<DemoArea> AreasAt(AreaLevel level) => Areas.Where(a => a.Level == level);
}

public sealed record DemoArea(string Code, AreaLevel Level, string Name, string? ParentCode, Geometry Geometry, int? TeamId);

/// <summary>A grid's responsible team; <see cref="RoleMix"/> reads like "2+1+1+1".</summary>
public sealed record DemoTeam(int Id, string Name, string LargeGridCode, string RoleMix, IReadOnlyList<DemoMember> Members);

/// <summary>A team member carrying a phone (a crew). Role: enforcement, municipal, landscaping, sanitation.</summary>
public sealed record DemoMember(int Id, string Name, string EmployeeNo, string Role, string Shift, bool IsLead);

public sealed record DemoKeyPost(string Code, string Name, Point Location, int RadiusM, int TeamId, string LargeGridCode);

/// <summary>A noded road segment between two junctions; class is trunk, main, secondary or alley.</summary>
public sealed record DemoRoad(int Id, string Class, string? Name, LineString Geometry, int Source, int Target, double LengthM);

/// <summary>
/// A streetlight-system component: 01037 streetlight or 01060 power cabinet (GB/T 47678.5 minors). A lamp names its
/// circuit (the cabinet's code, a dash, the circuit's number) and its place along the cable (<see cref="CircuitSeq"/>).
/// </summary>
public sealed record DemoStreetlight(string Code, string Component, Point Location, int? RoadId, string CabinetCode, string? CircuitCode,
    string UnitGridCode, int? CircuitSeq = null, string? LampType = null, int? PowerW = null, DateOnly? InstalledOn = null);

/// <summary>One of the streetlight office's three groups (duty office, line or repair), with day and night members.</summary>
public sealed record DemoAssetGroup(int Id, string Name, string Duty, string RoleMix, IReadOnlyList<DemoMember> Members);

public sealed record DemoBuilding(int Id, string Kind, Polygon Geometry, int Floors, int Households, string UnitGridCode);

/// <summary>A community facility of the 15-minute life circle; <see cref="LevelMinutes"/> is 5, 10 or 15.</summary>
public sealed record DemoFacility(int Id, string Kind, string Name, int LevelMinutes, Point Location, string UnitGridCode);
