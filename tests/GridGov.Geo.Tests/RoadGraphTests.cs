using GridGov.Geo.Roads;
using NetTopologySuite.Geometries;
using Xunit;

namespace GridGov.Geo.Tests;

public class RoadGraphTests
{
    // About 100 m per 0.001° of longitude at 26°N and 111 m per 0.001° of latitude.
    private const double Lat0 = 26.0;
    private static readonly double MetresPerDegLon = 111_320.0 * Math.Cos(Lat0 * Math.PI / 180);
    private const double MetresPerDegLat = 110_574.0;

    private static RoadSegment Segment(long id, long source, long target, params (double Lon, double Lat)[] points)
    {
        var coords = points.Select(p => new Coordinate(p.Lon, p.Lat)).ToArray();
        var length = 0.0;
        for (var i = 1; i < coords.Length; i++)
            length += Math.Sqrt(Math.Pow((coords[i].X - coords[i - 1].X) * MetresPerDegLon, 2) + Math.Pow((coords[i].Y - coords[i - 1].Y) * MetresPerDegLat, 2));
        return new RoadSegment(id, source, target, length, coords);
    }

    /// <summary>A square of four junctions 1-2-3-4 with a diagonal 1-3, plus a separate island 10-11.</summary>
    private static (RoadGraph Graph, RoadSegment[] Roads) Square()
    {
        RoadSegment[] roads =
        [
            Segment(1, 1, 2, (115.000, Lat0), (115.001, Lat0)),
            Segment(2, 2, 3, (115.001, Lat0), (115.001, Lat0 + 0.001)),
            Segment(3, 3, 4, (115.001, Lat0 + 0.001), (115.000, Lat0 + 0.001)),
            Segment(4, 4, 1, (115.000, Lat0 + 0.001), (115.000, Lat0)),
            Segment(5, 1, 3, (115.000, Lat0), (115.0005, Lat0 + 0.0008), (115.001, Lat0 + 0.001)),
            Segment(6, 10, 11, (115.010, Lat0), (115.011, Lat0)),
        ];
        return (RoadGraph.Build(roads), roads);
    }

    [Fact]
    public void Builds_compact_arrays_for_every_junction_and_edge()
    {
        var (graph, _) = Square();
        Assert.Equal(6, graph.NodeCount);
        Assert.Equal(6, graph.EdgeCount);
    }

    [Fact]
    public void Node_costs_take_the_shortest_way_both_directions_and_unreachable_is_infinite()
    {
        var (graph, roads) = Square();
        var costs = graph.NodeCosts([(1, 0)], [1, 2, 3, 4, 10, 99]);
        Assert.Equal(0, costs[0]);
        Assert.Equal(roads[0].LengthM, costs[1], 6);
        Assert.Equal(Math.Min(roads[4].LengthM, roads[0].LengthM + roads[1].LengthM), costs[2], 6);
        Assert.Equal(roads[3].LengthM, costs[3], 6); // edge 4→1 is walked backwards
        Assert.True(double.IsPositiveInfinity(costs[4]));
        Assert.True(double.IsPositiveInfinity(costs[5]));
    }

    [Fact]
    public void Multi_source_costs_start_from_the_cheapest_seed()
    {
        var (graph, roads) = Square();
        var costs = graph.NodeCosts([(1, 500), (3, 0)], [2, 4]);
        Assert.Equal(roads[1].LengthM, costs[0], 6);
        Assert.Equal(roads[2].LengthM, costs[1], 6);
    }

    [Fact]
    public void Snap_finds_the_nearest_road_and_the_distance_along_it()
    {
        var (graph, roads) = Square();
        // 20 m north of the middle of road 1 (115.000→115.001 along Lat0).
        var snap = graph.Snap(115.0005, Lat0 + 20 / MetresPerDegLat, 100);
        Assert.NotNull(snap);
        Assert.Equal(1, graph.EdgeId(snap.Value.Edge));
        Assert.Equal(20, snap.Value.OffsetM, 1);
        Assert.Equal(roads[0].LengthM / 2, snap.Value.AlongM, 1);

        Assert.Null(graph.Snap(115.005, Lat0 + 0.0005, 100)); // 400 m from every road
        Assert.Null(graph.Snap(double.NaN, Lat0, 100));
    }

    [Fact]
    public void Distances_between_points_include_the_walks_onto_and_off_the_road()
    {
        var (graph, roads) = Square();
        var origin = graph.Snap(115.0005, Lat0 - 10 / MetresPerDegLat, 100)!.Value; // 10 m south of road 1's middle
        var sameEdge = graph.Snap(115.0009, Lat0, 100);
        var onRoad3 = graph.Snap(115.0005, Lat0 + 0.001, 100);
        var island = graph.Snap(115.0105, Lat0, 100);
        var d = graph.Distances(origin, [sameEdge, onRoad3, island, null]);

        Assert.Equal(10 + 0.4 * roads[0].LengthM, d[0], 1);
        var half1 = roads[0].LengthM / 2;
        var viaEast = half1 + roads[1].LengthM + roads[2].LengthM / 2;
        var viaWest = half1 + roads[3].LengthM + roads[2].LengthM / 2;
        var viaDiagonal = half1 + roads[4].LengthM + roads[2].LengthM / 2;
        Assert.Equal(10 + new[] { viaEast, viaWest, viaDiagonal }.Min(), d[1], 1);
        Assert.True(double.IsPositiveInfinity(d[2]));
        Assert.True(double.IsPositiveInfinity(d[3]));
    }

    /// <summary>Straight roads between random pairs of junctions laid out 20 to a row, 0.001° apart.</summary>
    private static List<RoadSegment> RandomNetwork(Random random, int attempts, int junctions)
    {
        var roads = new List<RoadSegment>();
        for (var i = 0; i < attempts; i++)
        {
            long a = random.Next(junctions), b = random.Next(junctions);
            if (a == b) continue;
            roads.Add(Segment(i, a, b, (115 + a % 20 * 0.001, Lat0 + a / 20 * 0.001), (115 + b % 20 * 0.001, Lat0 + b / 20 * 0.001)));
        }
        return roads;
    }

    [Fact]
    public void Node_costs_agree_with_Bellman_Ford_on_a_random_network()
    {
        var roads = RandomNetwork(new Random(7), 600, 200);
        var graph = RoadGraph.Build(roads);

        var expected = Enumerable.Repeat(double.PositiveInfinity, 200).ToArray();
        expected[0] = 0;
        for (var round = 0; round < 200; round++)
            foreach (var r in roads)
            {
                expected[r.Target] = Math.Min(expected[r.Target], expected[r.Source] + r.LengthM);
                expected[r.Source] = Math.Min(expected[r.Source], expected[r.Target] + r.LengthM);
            }

        var costs = graph.NodeCosts([(0, 0)], Enumerable.Range(0, 200).Select(i => (long)i).ToList());
        for (var n = 0; n < 200; n++)
        {
            var known = roads.Any(r => r.Source == n || r.Target == n);
            if (!known) Assert.True(double.IsPositiveInfinity(costs[n]));
            else Assert.Equal(expected[n], costs[n], 6);
        }
    }

    [Fact]
    public void The_distance_table_answers_exactly_as_a_Dijkstra_per_query()
    {
        var random = new Random(9);
        var roads = RandomNetwork(random, 900, 300);
        roads.Add(Segment(5000, 9000, 9001, (115.05, Lat0), (115.051, Lat0))); // an island: unreachable from the rest
        var table = RoadGraph.Build(roads);
        var dijkstra = RoadGraph.Build(roads, maxTableJunctions: 0);
        Assert.True(table.HasDistanceTable);
        Assert.False(dijkstra.HasDistanceTable);

        var nodes = roads.SelectMany(r => new[] { r.Source, r.Target }).Distinct().ToList();
        var sources = new List<(long, double)> { (nodes[0], 0), (nodes[5], 120.5) };
        Assert.Equal(dijkstra.NodeCosts(sources, nodes), table.NodeCosts(sources, nodes), new Close(1e-6));

        RoadSnap? Around() => table.Snap(115 + random.NextDouble() * 0.06, Lat0 + random.NextDouble() * 0.016, 300);
        for (var q = 0; q < 200; q++)
        {
            if (Around() is not { } origin) continue;
            var targets = Enumerable.Range(0, 30).Select(_ => Around()).Append(origin).Append(table.Snap(115.0505, Lat0, 50)).ToList();
            Assert.Equal(dijkstra.Distances(origin, targets), table.Distances(origin, targets), new Close(1e-6));
        }
    }

    private sealed class Close(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => x == y || Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void Is_safe_from_many_threads_at_once()
    {
        var (graph, _) = Square();
        var expected = graph.NodeCosts([(1, 0)], [2, 3, 4]);
        Parallel.For(0, 2_000, _ => Assert.Equal(expected, graph.NodeCosts([(1, 0)], [2, 3, 4])));
    }
}
