using System.Diagnostics;
using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;
using Xunit.Abstractions;
using static GridGov.Geo.Tests.CoverageTestKit;

namespace GridGov.Geo.Tests;

/// <summary>Cleaning a level: snapping hand-traced borders together, overlaps and gaps resolved by the longest shared
/// border, wide gaps kept, grids never dropped silently, and a generated level of 3,000 noisy grids.</summary>
[Collection(GeneratedLevel.Collection)] // the two 3,000-grid tests do not run at once, so their timings mean something
public class CoverageCleanerTests(ITestOutputHelper output)
{
    private static readonly string[] Kinds =
        [CoverageChangeKinds.Snapped, CoverageChangeKinds.GapFilled, CoverageChangeKinds.OverlapResolved, CoverageChangeKinds.GapKept, CoverageChangeKinds.Vanished];

    /// <summary>
    /// A west and B east of x = 200 m, C north of y = 200 m; every border traced by each grid on its own, 1-4 m apart,
    /// zig-zagging across each other, and the three corners of the junction near (200, 200) all different.
    /// </summary>
    private static List<CoverageItem> HandTraced() =>
    [
        new("A", Poly((0, 0), (201, 0), (202.5, 25), (198.5, 50), (203, 75), (199, 100), (201.5, 125), (197.5, 150), (202, 175),
            (201.5, 200.8), (150, 199), (100, 201.5), (50, 198.5), (0, 200))),
        new("B", Poly((198.5, 0), (400, 0), (400, 200), (350, 201), (300, 198), (250, 202), (199, 201), (200.5, 190), (197.5, 160),
            (201, 130), (198, 110), (202, 90), (198.5, 60), (201.5, 35), (199.5, 12))),
        new("C", Poly((0, 200), (30, 199), (75, 202), (125, 198.5), (200, 199), (260, 201.5), (330, 199), (400, 200), (400, 300), (0, 300))),
    ];

    [Fact]
    public void Hand_traced_neighbours_become_a_coverage_with_the_area_kept_and_every_change_reported()
    {
        var grids = HandTraced();
        Assert.NotEmpty(Check(grids, 10)); // overlaps, gaps and cracks before

        var result = CoverageCleaner.Clean(grids, snapM: 5, maxGapM: 10);
        var level = Apply(grids, result);

        AssertCoverage(level, 10);
        Assert.Empty(result.Removed);
        Assert.Equal(120_000, level.Sum(g => AreaM2(g.Geometry)), 0.5);
        Assert.All(result.Changes, c =>
        {
            Assert.Contains(c.Kind, Kinds);
            Assert.NotEmpty(c.Codes);
            Assert.True(c.AreaM2 >= 0);
            Assert.False(string.IsNullOrWhiteSpace(c.Detail));
        });
        // A is first, so B and C snap onto it; C also onto B.
        Assert.Contains(result.Changes, c => c.Kind == CoverageChangeKinds.Snapped && c.Codes[0] == "B" && c.Codes.Contains("A"));
        Assert.Contains(result.Changes, c => c.Kind == CoverageChangeKinds.Snapped && c.Codes[0] == "C" && c.Codes.Contains("A") && c.Codes.Contains("B"));
        Assert.DoesNotContain(result.Changes, c => c.Kind == CoverageChangeKinds.Snapped && c.Codes[0] == "A");
        // Each grid keeps roughly its traced area: the border moved by metres, not tens of metres.
        Assert.Equal(40_000, Area(level, "A"), 400.0);
        Assert.Equal(40_000, Area(level, "B"), 400.0);
        Assert.Equal(40_000, Area(level, "C"), 400.0);
    }

    [Fact]
    public void Without_snapping_the_slivers_are_resolved_as_overlaps_and_gaps()
    {
        var grids = HandTraced();
        var result = CoverageCleaner.Clean(grids, snapM: 0, maxGapM: 10);
        var level = Apply(grids, result);

        AssertCoverage(level, 10);
        Assert.DoesNotContain(result.Changes, c => c.Kind == CoverageChangeKinds.Snapped);
        Assert.Contains(result.Changes, c => c.Kind == CoverageChangeKinds.OverlapResolved && c.Codes.Count >= 2);
        Assert.Contains(result.Changes, c => c.Kind == CoverageChangeKinds.GapFilled && c.Codes.Count >= 2);
        // The outer edges were traced exactly, and every gap was filled: the level covers the whole 400 m × 300 m.
        Assert.Equal(120_000, level.Sum(g => AreaM2(g.Geometry)), 0.01);
    }

    [Fact]
    public void A_clean_coverage_comes_back_unchanged()
    {
        var result = CoverageCleaner.Clean(Block(), snapM: 5, maxGapM: 10);
        Assert.Empty(result.Changed);
        Assert.Empty(result.Removed);
        Assert.Empty(result.Changes);
    }

    [Fact]
    public void A_wide_hole_is_kept_and_reported_and_a_narrow_pocket_goes_to_the_longest_border()
    {
        // Four 100 m cells round a 50 m square hole; a00's top edge dips 8 m into a pocket under a01.
        List<CoverageItem> grids =
        [
            new("a00", Poly((0, 0), (100, 0), (100, 75), (75, 75), (75, 100), (70, 100), (60, 92), (40, 92), (30, 100), (0, 100))),
            new("a10", Poly((100, 0), (200, 0), (200, 100), (125, 100), (125, 75), (100, 75))),
            new("a01", Poly((0, 100), (75, 100), (75, 125), (100, 125), (100, 200), (0, 200))),
            new("a11", Poly((100, 125), (125, 125), (125, 100), (200, 100), (200, 200), (100, 200))),
        ];
        var result = CoverageCleaner.Clean(grids, snapM: 2, maxGapM: 10);
        var level = Apply(grids, result);

        AssertCoverage(level, 10);
        var kept = Assert.Single(result.Changes, c => c.Kind == CoverageChangeKinds.GapKept);
        Assert.Equal(["a00", "a01", "a10", "a11"], kept.Codes.Order());
        Assert.Equal(2_500, kept.AreaM2, 0.5);
        Assert.Contains("50 m wide", kept.Detail);
        var filled = Assert.Single(result.Changes, c => c.Kind == CoverageChangeKinds.GapFilled);
        Assert.Equal(["a00", "a01"], filled.Codes); // 45.6 m of border with a00, 40 m with a01
        Assert.Equal(240, filled.AreaM2, 0.5);
        // a01 takes a00's two pocket corners on their shared edge, so the edge matches vertex for vertex.
        Assert.Equal(["a00", "a01"], result.Changed.Select(c => c.Code));
        Assert.Equal(10_000 - 625, Area(level, "a00"), 0.01);
        Assert.Equal(10_000 - 625, Area(level, "a01"), 0.01);
        Assert.Equal(grids[1].Geometry, level.Single(g => g.Code == "a10").Geometry);
    }

    [Fact]
    public void An_overlap_goes_to_the_grid_with_the_longer_shared_border()
    {
        // A's east edge bulges 8 m into B: the triangle shares 20 m with A and 25.6 m with B.
        List<CoverageItem> grids =
        [
            new("A", Poly((0, 0), (100, 0), (100, 40), (108, 50), (100, 60), (100, 100), (0, 100))),
            new("B", Rect(100, 0, 200, 100)),
        ];
        var result = CoverageCleaner.Clean(grids, snapM: 2, maxGapM: 10);
        var level = Apply(grids, result);

        AssertCoverage(level, 10);
        var overlap = Assert.Single(result.Changes, c => c.Kind == CoverageChangeKinds.OverlapResolved);
        Assert.Equal(["B", "A"], overlap.Codes);
        Assert.Equal(80, overlap.AreaM2, 0.5);
        Assert.Equal(10_000, Area(level, "A"), 0.01);
        Assert.Equal(10_000, Area(level, "B"), 0.01);
    }

    [Fact]
    public void A_grid_inside_another_keeps_its_area_and_one_with_nothing_left_is_removed_and_reported()
    {
        List<CoverageItem> grids =
        [
            new("big", Rect(0, 0, 100, 100)),
            new("small", Rect(40, 40, 60, 60)),
            new("twin", Rect(200, 0, 300, 100)),
            new("copy", Rect(200, 0, 300, 100)),
            new("none", Factory.CreatePolygon()),
        ];
        var result = CoverageCleaner.Clean(grids, snapM: 1, maxGapM: 10);
        var level = Apply(grids, result);

        AssertCoverage(level, 10);
        Assert.Equal(400, Area(level, "small"), 0.01);
        Assert.Equal(9_600, Area(level, "big"), 0.01);
        Assert.Contains(result.Changes, c => c.Kind == CoverageChangeKinds.OverlapResolved && c.Codes.SequenceEqual(["small", "big"]) && c.Detail.Contains("wholly inside"));
        Assert.Equal(["copy", "none"], result.Removed);
        Assert.Contains(result.Changes, c => c.Kind == CoverageChangeKinds.Vanished && c.Codes.SequenceEqual(["copy"]) && c.Detail.Contains("inside other grids"));
        Assert.Contains(result.Changes, c => c.Kind == CoverageChangeKinds.Vanished && c.Codes.SequenceEqual(["none"]) && c.Detail.Contains("empty"));
    }

    [Fact]
    public void Cleans_and_edits_from_many_threads_at_once_give_the_single_threaded_answers()
    {
        var grids = HandTraced();
        var block = Block();
        static string Key(CoverageEditResult r) => string.Join("|", r.Changed.Select(c => c.Code + c.Geometry.AsText()).Concat(r.Changes.Select(c => c.Detail)));
        var clean = Key(CoverageCleaner.Clean(grids, 5, 10));
        var reshape = Key(CoverageEdits.Reshape(block, "c11", Rect(100, 100, 220, 200)));
        var answers = new string[16];
        Parallel.For(0, answers.Length, i => answers[i] = i % 2 == 0
            ? Key(CoverageCleaner.Clean(grids, 5, 10))
            : Key(CoverageEdits.Reshape(block, "c11", Rect(100, 100, 220, 200))));
        for (var i = 0; i < answers.Length; i++) Assert.Equal(i % 2 == 0 ? clean : reshape, answers[i]);
    }

    [Fact]
    public void Duplicate_codes_are_refused()
    {
        var e = Assert.Throws<CoverageEditException>(() => CoverageCleaner.Clean([new("a", Rect(0, 0, 1, 1)), new("a", Rect(1, 0, 2, 1))], 1, 1));
        Assert.Contains("a appears 2 times", e.Message);
    }

    [Fact]
    public void A_generated_level_of_3000_noisy_grids_cleans_into_a_coverage()
    {
        var watch = Stopwatch.StartNew();
        var (_, noisy) = GeneratedLevel.Shared;
        output.WriteLine($"generated {noisy.Count} grids, {noisy.Average(g => g.Geometry.NumPoints):0} vertices each, in {watch.ElapsedMilliseconds} ms");

        watch.Restart();
        var result = CoverageCleaner.Clean(noisy, snapM: 5, maxGapM: 10);
        var cleanMs = watch.ElapsedMilliseconds;
        var kinds = string.Join(", ", result.Changes.GroupBy(c => c.Kind).Select(g => $"{g.Count()} {g.Key}"));
        output.WriteLine($"clean of the noisy level: {cleanMs} ms, {result.Changed.Count} changed, {result.Removed.Count} removed; {kinds}");

        var level = Apply(noisy, result);
        watch.Restart();
        AssertCoverage(level, 10);
        output.WriteLine($"CoverageCheck of the result: {watch.ElapsedMilliseconds} ms");
        Assert.Empty(result.Removed);
        Assert.Equal(60 * 50 * 300.0 * 300.0, level.Sum(g => AreaM2(g.Geometry)), 1.0);
    }

    /// <summary>
    /// The bench's stress level (3,000 Voronoi cells, ~90 vertices, wiggled edges) with every vertex moved up to 1.5 m
    /// on its own, outer edge included, and GeometryFixer where that tangled a cell: the result has no invalid grid,
    /// no overlap, no unmatched edge and no gap (enclosed holes narrower than 10 m are filled). What may stay are
    /// notches at the level's outer edge, open to the outside, which the cleaner does not fill (no face encloses them).
    /// </summary>
    [Theory]
    [InlineData(42, 7)]
    [InlineData(1, 2)]
    public void The_noisy_stress_level_cleans_into_a_valid_coverage(int cellSeed, int noiseSeed)
    {
        var watch = Stopwatch.StartNew();
        var noisy = StressLevel.Noisy(StressLevel.Generate(cellSeed), metres: 1.5, noiseSeed);
        output.WriteLine($"generated {noisy.Count} grids ({noisy.Count(g => g.Geometry is MultiPolygon)} fixed into MultiPolygons), {noisy.Average(g => g.Geometry.NumPoints):0} vertices each, in {watch.ElapsedMilliseconds} ms");
        var before = Check(noisy, 10);

        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        var result = CoverageCleaner.Clean(noisy, snapM: 2, maxGapM: 10);
        var cleanMs = watch.ElapsedMilliseconds;
        var cpuMs = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var level = Apply(noisy, result);
        watch.Restart();
        var after = Check(level, 10);
        var checkMs = watch.ElapsedMilliseconds;
        static string Kinds(IEnumerable<CoverageProblem> ps) => string.Join(", ", ps.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key}"));
        output.WriteLine($"clean: {cleanMs} ms ({cpuMs:0} ms CPU), {result.Changed.Count} changed, {result.Removed.Count} removed, {result.Changes.Count} changes; check of the result {checkMs} ms");
        output.WriteLine($"problems before: {before.Count} ({Kinds(before)}); after: {after.Count} ({Kinds(after)})");

        string[] wrong = [CoverageKinds.InvalidGeometry, CoverageKinds.Empty, CoverageKinds.Overlap, CoverageKinds.EdgeMismatch, CoverageKinds.Gap];
        var bad = after.Where(p => wrong.Contains(p.Kind)).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(10).Select(p => $"{p.Kind} {string.Join(",", p.Codes)}: {p.Detail} {p.Location.AsText()}")));
        // Notches are at the outer edge: within the wiggle (4 m) and the noise of the generated rectangle's sides.
        var gk = GridGov.Geo.Coordinates.GaussKruger.ForLongitude(115.415);
        var (cx, cy) = gk.Forward(115.415, 25.955);
        var rim = new Envelope(cx - 3400, cx + 3400, cy - 2700, cy + 2700);
        foreach (var notch in after.Where(p => p.Kind == CoverageKinds.Notch))
        {
            var env = gk.Project(notch.Location).EnvelopeInternal;
            var fromEdge = Math.Min(Math.Min(env.MinX - rim.MinX, rim.MaxX - env.MaxX), Math.Min(env.MinY - rim.MinY, rim.MaxY - env.MaxY));
            Assert.True(fromEdge < 10, $"notch {fromEdge:0.0} m inside the outer edge: {notch.Detail}");
        }
    }

    [Fact]
    public void A_generated_level_of_3000_grids_that_is_already_a_coverage_comes_back_unchanged()
    {
        var (exact, _) = GeneratedLevel.Shared;
        var watch = Stopwatch.StartNew();
        var result = CoverageCleaner.Clean(exact, snapM: 5, maxGapM: 10);
        output.WriteLine($"clean of the exact level of {exact.Count} grids: {watch.ElapsedMilliseconds} ms, {result.Changed.Count} changed");
        Assert.Empty(result.Changed);
        Assert.Empty(result.Changes);
    }
}

/// <summary>A generated level: a jittered Voronoi diagram clipped to a rectangle, edges densified the same way on
/// both sides, and a noisy copy where every grid's vertices (but those on the outer edge) are moved at random, as
/// if each grid had been digitised on its own.</summary>
internal static class GeneratedLevel
{
    public const string Collection = "generated 3,000-grid level";

    private static readonly Lazy<(List<CoverageItem> Exact, List<CoverageItem> Noisy)> Level =
        new(() => Voronoi(cols: 60, rows: 50, spacingM: 300, vertexSpacingM: 13, noiseM: 1.5, seed: 12));

    /// <summary>3,000 grids of about 95 vertices, 300 m apart, noise up to 1.5 m in each axis; built once (read-only).</summary>
    public static (List<CoverageItem> Exact, List<CoverageItem> Noisy) Shared => Level.Value;

    public static (List<CoverageItem> Exact, List<CoverageItem> Noisy) Voronoi(int cols, int rows, double spacingM, double vertexSpacingM, double noiseM, int seed)
    {
        var random = new Random(seed);
        var metres = new GeometryFactory();
        var sites = new List<Coordinate>();
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                sites.Add(new Coordinate((c + 0.5 + (random.NextDouble() - 0.5) * 0.7) * spacingM, (r + 0.5 + (random.NextDouble() - 0.5) * 0.7) * spacingM));
        double width = cols * spacingM, height = rows * spacingM;
        var builder = new NetTopologySuite.Triangulate.VoronoiDiagramBuilder { ClipEnvelope = new Envelope(0, width, 0, height) };
        builder.SetSites(sites);
        var diagram = builder.GetDiagram(metres);

        bool OnEdge(Coordinate p) => p.X <= 1e-6 || p.Y <= 1e-6 || p.X >= width - 1e-6 || p.Y >= height - 1e-6;
        var exact = new List<CoverageItem>();
        var noisy = new List<CoverageItem>();
        for (var i = 0; i < diagram.NumGeometries; i++)
        {
            var cell = (Polygon)diagram.GetGeometryN(i);
            var ring = cell.Shell.Coordinates.Select(p => new Coordinate(Math.Round(p.X, 3), Math.Round(p.Y, 3))).ToArray();
            var dense = Densify(ring, vertexSpacingM);
            var code = $"g{i:0000}";
            exact.Add(new(code, ToLonLat(dense)));
            var moved = dense.Take(dense.Length - 1)
                .Select(p => OnEdge(p) ? p : new Coordinate(p.X + (random.NextDouble() * 2 - 1) * noiseM, p.Y + (random.NextDouble() * 2 - 1) * noiseM))
                .ToList();
            moved.Add(moved[0]);
            noisy.Add(new(code, ToLonLat([.. moved])));
        }
        return (exact, noisy);
    }

    /// <summary>Equal steps of at most <paramref name="step"/> metres, computed from the lexicographically smaller end
    /// so the two grids sharing an edge get the same points.</summary>
    private static Coordinate[] Densify(Coordinate[] ring, double step)
    {
        var result = new List<Coordinate>();
        for (var i = 0; i + 1 < ring.Length; i++)
        {
            Coordinate a = ring[i], b = ring[i + 1];
            result.Add(a);
            var n = (int)Math.Ceiling(a.Distance(b) / step);
            var forward = a.X < b.X || (a.X == b.X && a.Y < b.Y);
            var (p, q) = forward ? (a, b) : (b, a);
            var inner = Enumerable.Range(1, Math.Max(0, n - 1)).Select(k => new Coordinate(p.X + (q.X - p.X) * k / n, p.Y + (q.Y - p.Y) * k / n)).ToList();
            if (!forward) inner.Reverse();
            result.AddRange(inner);
        }
        result.Add(ring[^1]);
        return [.. result];
    }

    private static Polygon ToLonLat(Coordinate[] ring) => Factory.CreatePolygon([.. ring.Select(p => At(p.X, p.Y))]);
}
