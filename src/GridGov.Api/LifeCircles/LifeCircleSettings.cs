namespace GridGov.Api.LifeCircles;

/// <summary>Configuration section <c>LifeCircles</c>: walking speed, the GB 50180 level distances, snapping and drawing.</summary>
public sealed class LifeCircleSettings
{
    /// <summary>Walking speed for isochrones, km/h (the standards do not fix it; 4.5-5 is typical).</summary>
    public double WalkSpeedKmh { get; set; } = 4.8;

    /// <summary>
    /// The walking distance (metres) within which a building counts as served by a facility of each level (GB 50180-2018:
    /// 15 minutes ≈ 800-1,000 m, 10 minutes ≈ 500 m, 5 minutes ≈ 300 m).
    /// </summary>
    public Dictionary<string, double> LevelMetres { get; set; } = new() { ["5"] = 300, ["10"] = 500, ["15"] = 1000 };

    /// <summary>An isochrone's point may lie at most this far from a walkable road.</summary>
    public double SnapM { get; set; } = 200;

    /// <summary>A building or facility farther than this from every walkable road reaches nothing.</summary>
    public double BuildingSnapM { get; set; } = 300;

    /// <summary>Isochrone drawing: grid cell and how far off a reached road the polygon reaches.</summary>
    public double CellM { get; set; } = 20;
    public double ReachM { get; set; } = 50;

    /// <summary>A class counts as met in an area when at least this share of its residential buildings is covered.</summary>
    public double MetShare { get; set; } = 0.9;

    /// <summary>The facility-class table; empty: <c>facility-classes.json</c> beside the service.</summary>
    public string? ClassesFile { get; set; }

    public double MetresPerMinute => WalkSpeedKmh * 1000 / 60;

    public double BandMetres(int level) =>
        LevelMetres.TryGetValue(level.ToString(System.Globalization.CultureInfo.InvariantCulture), out var m) ? m : level * MetresPerMinute;
}
