using System.Globalization;
using GridGov.Geo.Osm;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridGov.Api.LifeCircles;

/// <summary>A building from OSM as the buildings table keeps it.</summary>
internal sealed record OsmBuilding(long OsmId, string Kind, Polygon Geometry, int Floors, int Households);

/// <summary>A life-circle facility from OSM: a node, or an area's interior point.</summary>
internal sealed record OsmFacility(string OsmRef, FacilityClass Class, string Name, Point Location);

/// <summary>Buildings and facilities from the features <c>osmium export</c> wrote. Stateless: thread-safe.</summary>
internal static class OsmLayers
{
    /// <summary>building=* values that are homes (OSM wiki "Key:building", accommodation).</summary>
    public static readonly IReadOnlySet<string> ResidentialValues = new HashSet<string>(StringComparer.Ordinal)
    {
        "residential", "apartments", "house", "detached", "semidetached_house", "terrace", "dormitory", "bungalow",
    };

    public const string Residential = "residential", Facility = "facility", Other = "other";

    public static (List<OsmBuilding> Buildings, List<OsmFacility> Facilities) Classify(IEnumerable<OsmFeature> features, FacilityClasses classes)
    {
        var buildings = new List<(OsmFeature Feature, Polygon Polygon, bool Tagged)>();
        var facilities = new List<OsmFacility>();
        var facilityNodes = new List<Point>();
        foreach (var f in features)
        {
            var cls = classes.Match(f.Tags);
            if (cls is not null && f.Geometry is { IsEmpty: false } g)
            {
                var location = g as Point ?? g.InteriorPoint;
                location.SRID = g.SRID;
                facilities.Add(new OsmFacility(f.Ref, cls, NameOf(f.Tags, cls), location));
                if (f.Type == 'n') facilityNodes.Add(location);
            }
            if (f.Type != 'n' && f.Tags.TryGetValue("building", out var building) && building != "no" && Largest(f.Geometry) is { } polygon)
                buildings.Add((f, polygon, cls is not null));
        }

        // A building is a facility when it is tagged as one or when a facility's node stands in it (unless it is a home).
        var index = new STRtree<int>();
        for (var i = 0; i < buildings.Count; i++) index.Insert(buildings[i].Polygon.EnvelopeInternal, i);
        var holdsFacility = new bool[buildings.Count];
        foreach (var p in facilityNodes)
            foreach (var i in index.Query(p.EnvelopeInternal))
                if (buildings[i].Polygon.Covers(p)) holdsFacility[i] = true;

        var rows = new List<OsmBuilding>(buildings.Count);
        for (var i = 0; i < buildings.Count; i++)
        {
            var (f, polygon, tagged) = buildings[i];
            var households = Flats(f.Tags);
            var value = f.Tags["building"];
            var kind = ResidentialValues.Contains(value) || (value == "yes" && households > 0 && !tagged) ? Residential
                : tagged || holdsFacility[i] ? Facility
                : Other;
            rows.Add(new OsmBuilding(f.Id, kind, polygon, Levels(f.Tags), households));
        }
        return (rows, facilities);
    }

    /// <summary>The polygon of an area; of a multipolygon with several parts, the largest (the buildings table holds one polygon a building).</summary>
    private static Polygon? Largest(Geometry g)
    {
        var polygon = g switch
        {
            Polygon p => p,
            MultiPolygon mp => mp.Geometries.Cast<Polygon>().MaxBy(p => p.Area),
            _ => null,
        };
        if (polygon is null || polygon.IsEmpty) return null;
        polygon.SRID = g.SRID;
        return polygon;
    }

    private static string NameOf(IReadOnlyDictionary<string, string> tags, FacilityClass cls)
    {
        var name = tags.GetValueOrDefault("name") is { } n && n.Trim().Length > 0 ? n.Trim()
            : tags.GetValueOrDefault("name:zh") is { } z && z.Trim().Length > 0 ? z.Trim()
            : cls.Zh;
        return name.Length <= 100 ? name : name[..100];
    }

    /// <summary>building:levels ("6", "3.5", "5;6": the first number, rounded); 1 when absent or unreadable.</summary>
    private static int Levels(IReadOnlyDictionary<string, string> tags)
    {
        if (!tags.TryGetValue("building:levels", out var text)) return 1;
        var first = text.Split(';', ',')[0].Trim();
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var levels) && levels is >= 1 and <= 300
            ? (int)Math.Round(levels, MidpointRounding.AwayFromZero) : 1;
    }

    /// <summary>building:flats, the households; 0 when unknown.</summary>
    private static int Flats(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue("building:flats", out var text) && int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var flats) && flats <= 100_000
            ? flats : 0;
}
