using GridGov.Geo.Demo;
using GridGov.Geo.Grids;
using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridGov.Geo.Tests;

public class DemoCountyFixture
{
    public DemoCounty County { get; } = DemoCountyGenerator.Generate();
}

public class DemoCountyTests(DemoCountyFixture fixture) : IClassFixture<DemoCountyFixture>
{
    private DemoCounty County => fixture.County;

    [Fact]
    public void Has_the_sizes_the_issue_asks_for()
    {
        Assert.Single(County.AreasAt(AreaLevel.County));
        Assert.True(County.AreasAt(AreaLevel.Street).Count() >= 4);
        Assert.True(County.AreasAt(AreaLevel.Community).Count() >= 12);
        Assert.Equal(15, County.AreasAt(AreaLevel.Large).Count());
        Assert.True(County.AreasAt(AreaLevel.Unit).Count() >= 600, $"{County.AreasAt(AreaLevel.Unit).Count()} unit grids");
        Assert.Equal(42, County.Posts.Count);
        Assert.True(County.Streetlights.Count(s => s.Component == "01037") >= 20000, $"{County.Streetlights.Count(s => s.Component == "01037")} streetlights");
        Assert.True(County.Teams.Sum(t => t.Members.Count) >= 60);
        Assert.True(County.Buildings.Count > 1000);
        Assert.True(County.Facilities.Count > 100);
    }

    [Fact]
    public void Lies_in_the_county_town_window()
    {
        var env = County.AreasAt(AreaLevel.County).Single().Geometry.EnvelopeInternal;
        Assert.InRange(env.MinX, 115.38, 115.45);
        Assert.InRange(env.MaxX, 115.38, 115.45);
        Assert.InRange(env.MinY, 25.93, 25.98);
        Assert.InRange(env.MaxY, 25.93, 25.98);
    }

    [Fact]
    public void Every_level_tiles_its_parent_with_no_gap_and_no_overlap()
    {
        var byCode = County.Areas.ToDictionary(a => a.Code);
        foreach (var parent in County.Areas.Where(a => a.Level != AreaLevel.Unit))
        {
            var children = County.Areas.Where(a => a.ParentCode == parent.Code).Select(a => a.Geometry).ToArray();
            Assert.NotEmpty(children);
            Assert.All(CoverageValidator.Validate(children), invalid => Assert.Null(invalid));
            var union = CoverageUnion.Union(children);
            Assert.True(union.EqualsTopologically(parent.Geometry), $"children of {parent.Code} do not tile it");
            Assert.Equal(parent.Geometry.Area, children.Sum(c => c.Area), 12);
        }
        Assert.All(County.Areas, a => Assert.True(a.Geometry.IsValid, a.Code));
        Assert.All(County.Areas.Where(a => a.ParentCode is not null), a => Assert.Contains(a.ParentCode!, byCode.Keys));
        // One piece at every level: no grid is split in two.
        Assert.All(County.Areas, a => Assert.IsType<Polygon>(a.Geometry));
        Assert.Empty(((Polygon)County.AreasAt(AreaLevel.County).Single().Geometry).Holes);
    }

    [Fact]
    public void Unit_grid_codes_follow_the_15_digit_rule_and_number_within_the_community()
    {
        var units = County.AreasAt(AreaLevel.Unit).ToList();
        var largeParent = County.AreasAt(AreaLevel.Large).ToDictionary(a => a.Code, a => a.ParentCode!);
        Assert.All(units, u =>
        {
            Assert.Matches("^[0-9]{15}$", u.Code);
            Assert.StartsWith(County.CountyCode, u.Code);
            Assert.Equal(u.Code[..12], largeParent[u.ParentCode!]);
        });
        foreach (var community in units.GroupBy(u => u.Code[..12]))
        {
            var seq = community.Select(u => int.Parse(u.Code[12..])).Order().ToArray();
            Assert.Equal(Enumerable.Range(1, seq.Length), seq);
        }
        Assert.Equal(units.Count, units.Select(u => u.Code).Distinct().Count());
    }

    [Fact]
    public void Shapes_are_irregular_not_a_checkerboard()
    {
        var vertexCounts = County.AreasAt(AreaLevel.Unit).Select(u => u.Geometry.NumPoints).ToList();
        Assert.True(vertexCounts.Distinct().Count() >= 3);
        Assert.True(vertexCounts.Count(n => n != 5) > vertexCounts.Count / 2);
    }

    [Fact]
    public void Teams_follow_the_2_1_1_1_mix_one_per_large_grid()
    {
        Assert.Equal(County.AreasAt(AreaLevel.Large).Select(a => a.Code).Order(), County.Teams.Select(t => t.LargeGridCode).Order());
        Assert.All(County.Teams, t =>
        {
            Assert.Equal("2+1+1+1", t.RoleMix);
            Assert.Equal(2, t.Members.Count(m => m.Role == "enforcement"));
            Assert.Single(t.Members, m => m.Role == "municipal");
            Assert.Single(t.Members, m => m.Role == "landscaping");
            Assert.Single(t.Members, m => m.Role == "sanitation");
            Assert.Single(t.Members, m => m.IsLead);
        });
    }

    [Fact]
    public void Roads_are_noded_and_connected()
    {
        var lines = County.Roads.Select(r => (Geometry)r.Geometry).ToArray();
        var network = new GeometryFactory().CreateMultiLineString(County.Roads.Select(r => r.Geometry).ToArray());
        Assert.True(network.IsSimple, "roads cross away from their end nodes");
        Assert.All(County.Roads, r => Assert.True(r.LengthM > 0));
        // Union-find over nodes: one component.
        var parent = new Dictionary<int, int>();
        int Find(int x) => parent.TryGetValue(x, out var p) && p != x ? parent[x] = Find(p) : x;
        foreach (var r in County.Roads) parent[Find(r.Source)] = Find(r.Target);
        Assert.Single(County.Roads.SelectMany(r => new[] { r.Source, r.Target }).Select(Find).Distinct());
        Assert.NotEmpty(lines);
    }

    [Fact]
    public void Key_posts_and_streetlights_lie_in_the_county_and_carry_component_codes()
    {
        var county = County.AreasAt(AreaLevel.County).Single().Geometry;
        Assert.All(County.Posts, p => Assert.True(county.Covers(p.Location), p.Code));
        var index = UnitGridIndex.Build(County.AreasAt(AreaLevel.Unit).Select(u => (u.Code, u.Geometry)));
        Assert.All(County.Streetlights.Take(2000), s =>
        {
            Assert.Matches("^[0-9]{17}$", s.Code);
            Assert.Equal(s.Component, s.Code.Substring(6, 5));
            Assert.Equal(s.UnitGridCode, index.Locate(s.Location.X, s.Location.Y));
        });
    }

    [Fact]
    public void The_same_seed_gives_the_same_county()
    {
        var again = DemoCountyGenerator.Generate();
        var writer = new WKBWriter();
        Assert.Equal(County.Areas.Select(a => Convert.ToHexString(writer.Write(a.Geometry)) + a.Code + a.Name),
            again.Areas.Select(a => Convert.ToHexString(writer.Write(a.Geometry)) + a.Code + a.Name));
        Assert.Equal(County.Streetlights.Select(s => s.Location.AsText()), again.Streetlights.Select(s => s.Location.AsText()));
        Assert.Equal(County.Teams.SelectMany(t => t.Members).Select(m => m.Name), again.Teams.SelectMany(t => t.Members).Select(m => m.Name));
    }

    [Fact]
    public void Index_agrees_with_brute_force_on_random_points()
    {
        var units = County.AreasAt(AreaLevel.Unit).OrderBy(u => u.Code, StringComparer.Ordinal).ToList();
        var index = UnitGridIndex.Build(units.Select(u => (u.Code, u.Geometry)));
        var env = County.AreasAt(AreaLevel.County).Single().Geometry.EnvelopeInternal;
        var rnd = new Random(11);
        var factory = new GeometryFactory();
        for (var i = 0; i < 3000; i++)
        {
            var p = factory.CreatePoint(new Coordinate(env.MinX + rnd.NextDouble() * env.Width, env.MinY + rnd.NextDouble() * env.Height));
            var expected = units.FirstOrDefault(u => u.Geometry.Covers(p))?.Code;
            Assert.Equal(expected, index.Locate(p.X, p.Y));
        }
    }
}
