using GridGov.Geo.Roads;
using NetTopologySuite.Geometries;
using Xunit;

namespace GridGov.Geo.Tests;

public class IsochroneTests
{
    private const double Lat0 = 26.0;
    private static readonly double MetresPerDegLon = 111_320.0 * Math.Cos(Lat0 * Math.PI / 180);
    private const double MetresPerDegLat = 110_574.0;
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4490);

    /// <summary>An n×n lattice of junctions <paramref name="spacingM"/> apart (id = row * n + col + 1) and its coordinates.</summary>
    private static (RoadGraph Graph, Dictionary<long, Coordinate> Nodes) Lattice(int n, double spacingM, Func<int, int, bool>? skipEast = null)
    {
        var nodes = new Dictionary<long, Coordinate>();
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                nodes[r * n + c + 1] = new Coordinate(115 + c * spacingM / MetresPerDegLon, Lat0 + r * spacingM / MetresPerDegLat);
        var roads = new List<RoadSegment>();
        var id = 1;
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
            {
                long a = r * n + c + 1;
                if (c + 1 < n && skipEast?.Invoke(r, c) != true) roads.Add(new RoadSegment(id++, a, a + 1, spacingM, [nodes[a], nodes[a + 1]]));
                if (r + 1 < n) roads.Add(new RoadSegment(id++, a, a + n, spacingM, [nodes[a], nodes[a + n]]));
            }
        return (RoadGraph.Build(roads, maxTableJunctions: 0), nodes);
    }

    [Fact]
    public void Bands_nest_and_hold_the_junctions_reached_within_them()
    {
        var (graph, nodes) = Lattice(30, 200);
        var centre = nodes[15 * 30 + 15 + 1];
        var origin = graph.Snap(centre.X + 30 / MetresPerDegLon, centre.Y + 7 / MetresPerDegLat, 100)!.Value;
        double[] bands = [400, 800, 1200];
        var polygons = graph.Isochrones(origin, bands, factory: Factory);
        Assert.Equal(3, polygons.Count);
        for (var b = 0; b < bands.Length; b++)
        {
            var polygon = polygons[b];
            Assert.True(polygon.IsValid, $"band {bands[b]} is not valid");
            if (b > 0) Assert.True(polygon.Covers(polygons[b - 1]), $"band {bands[b]} does not contain band {bands[b - 1]}");
            var reached = graph.Reach(origin, bands[b]).ToDictionary(r => r.NodeId, r => r.Metres);
            foreach (var (nodeId, at) in nodes)
            {
                var inside = polygon.Covers(Factory.CreatePoint(at));
                // A junction reached with room to spare is inside; one not reached within the band (plus the polygon's
                // cell) is outside unless it lies within the reach of a reached road (the walk off the road).
                if (reached.TryGetValue(nodeId, out var cost) && cost <= bands[b] - 30) Assert.True(inside, $"junction {nodeId} ({cost:F0} m) outside band {bands[b]}");
                if (!reached.ContainsKey(nodeId) && graph.Reach(origin, bands[b] + 60).All(r => r.NodeId != nodeId)) Assert.False(inside, $"junction {nodeId} inside band {bands[b]}");
            }
        }
    }

    [Fact]
    public void Blocks_beyond_the_reach_of_every_road_are_holes()
    {
        var (graph, nodes) = Lattice(12, 200);
        var origin = graph.Snap(nodes[6 * 12 + 6 + 1].X, nodes[6 * 12 + 6 + 1].Y, 50)!.Value;
        var polygon = graph.Isochrones(origin, [1000], new IsochroneOptions(ReachM: 50), Factory)[0];
        var holes = polygon is Polygon p ? p.NumInteriorRings : ((MultiPolygon)polygon).Geometries.Sum(g => ((Polygon)g).NumInteriorRings);
        Assert.True(holes >= 4, $"{holes} holes");
        // The middle of the block next to the origin is 100 m from every road: not reachable on foot within 50 m of a road.
        var blockMiddle = new Coordinate(nodes[6 * 12 + 6 + 1].X + 100 / MetresPerDegLon, nodes[6 * 12 + 6 + 1].Y + 100 / MetresPerDegLat);
        Assert.False(polygon.Covers(Factory.CreatePoint(blockMiddle)));
        // A spot 30 m off a reached road is.
        var nearRoad = new Coordinate(nodes[6 * 12 + 6 + 1].X + 100 / MetresPerDegLon, nodes[6 * 12 + 6 + 1].Y + 30 / MetresPerDegLat);
        Assert.True(polygon.Covers(Factory.CreatePoint(nearRoad)));
    }

    [Fact]
    public void A_partial_edge_at_the_frontier_ends_where_the_walk_runs_out()
    {
        // One straight road of 2 km: a 500 m band from its start reaches 500 m along it, plus the reach at its tip.
        var a = new Coordinate(115, Lat0);
        var b = new Coordinate(115 + 2000 / MetresPerDegLon, Lat0);
        var graph = RoadGraph.Build([new RoadSegment(1, 1, 2, 2000, [a, b])], maxTableJunctions: 0);
        var origin = graph.Snap(a.X, a.Y, 10)!.Value;
        var polygon = graph.Isochrones(origin, [500], new IsochroneOptions(CellM: 10, ReachM: 40), Factory)[0];
        Assert.True(polygon.Covers(Factory.CreatePoint(new Coordinate(115 + 450 / MetresPerDegLon, Lat0))));
        Assert.False(polygon.Covers(Factory.CreatePoint(new Coordinate(115 + 560 / MetresPerDegLon, Lat0))));
        var east = polygon.EnvelopeInternal.MaxX;
        Assert.InRange((east - 115) * MetresPerDegLon, 490, 530);
    }

    [Fact]
    public void Access_gives_the_distance_to_the_nearest_source_as_separate_searches_would()
    {
        var (graph, nodes) = Lattice(20, 150, skipEast: (r, c) => (r * 7 + c * 3) % 5 == 0);
        var rng = new Random(7);
        RoadSnap Spot() => graph.Snap(115 + rng.NextDouble() * 2800 / MetresPerDegLon, Lat0 + rng.NextDouble() * 2800 / MetresPerDegLat, 200)!.Value;
        var sources = Enumerable.Range(0, 6).Select(_ => Spot()).ToList();
        var field = graph.Access(sources);
        for (var k = 0; k < 200; k++)
        {
            var spot = Spot();
            var expected = sources.Select(s => graph.Distances(s, [spot])[0]).Min();
            Assert.Equal(expected, field.At(spot), 6);
        }
        // A spot on a source's own edge walks straight along it.
        var same = sources[0] with { AlongM = Math.Min(sources[0].AlongM + 10, 149), OffsetM = 3 };
        Assert.Equal(graph.Distances(sources[0], [same])[0], field.At(same), 6);
    }

    [Fact]
    public void Reach_stops_at_the_bound_and_counts_the_walk_onto_the_road()
    {
        var (graph, nodes) = Lattice(10, 100);
        var origin = graph.Snap(nodes[1].X, nodes[1].Y - 20 / MetresPerDegLat, 50)!.Value;
        var reached = graph.Reach(origin, 220).ToDictionary(r => r.NodeId, r => r.Metres);
        Assert.Equal(20, reached[1], 3);
        Assert.Equal(220, reached[3], 3); // two blocks east along the bottom row
        Assert.Equal(220, reached[21], 3); // two blocks north
        Assert.False(reached.ContainsKey(4));
        Assert.All(reached.Values, m => Assert.True(m <= 220));
    }
}
