using GridGov.Geo.Assets;
using Xunit;

namespace GridGov.Geo.Tests;

public class PointIndexTests
{
    [Fact]
    public void Nearest_points_within_the_radius_agree_with_a_full_scan()
    {
        var rng = new Random(3);
        var points = Enumerable.Range(0, 5000).Select(_ => (115.38 + rng.NextDouble() * 0.07, 25.93 + rng.NextDouble() * 0.05)).ToList();
        var index = PointIndex.Build(points);
        var perLon = 111_320.0 * Math.Cos((points.Min(p => p.Item2) + points.Max(p => p.Item2)) / 2 * Math.PI / 180);
        for (var q = 0; q < 500; q++)
        {
            var (lon, lat) = (115.37 + rng.NextDouble() * 0.09, 25.92 + rng.NextDouble() * 0.07);
            var radius = rng.Next(2) == 0 ? 50 : 200;
            var expected = points.Select((p, i) => (Id: i, D: Math.Sqrt(Math.Pow((p.Item1 - lon) * perLon, 2) + Math.Pow((p.Item2 - lat) * 110_574.0, 2))))
                .Where(x => x.D <= radius).OrderBy(x => x.D).ThenBy(x => x.Id).Take(5).ToList();
            var got = index.Nearest(lon, lat, radius, 5);
            Assert.Equal(expected.Select(e => e.Id), got.Select(g => g.Id));
            for (var k = 0; k < got.Count; k++) Assert.Equal(expected[k].D, got[k].DistanceM, 6);
            var one = index.Nearest(lon, lat, radius);
            Assert.Equal(expected.Take(1).Select(e => e.Id), one.Select(g => g.Id));
        }
        Assert.Empty(index.Nearest(116, 26, 50));
        Assert.Empty(index.Nearest(double.NaN, 26, 50));
        Assert.Empty(PointIndex.Build([]).Nearest(115.4, 25.95, 50));
    }

    [Fact]
    public void A_filter_skips_points_without_widening_the_radius()
    {
        var index = PointIndex.Build([(115.4, 25.95), (115.4002, 25.95), (115.41, 25.95)]);
        Assert.Equal(1, index.Nearest(115.4, 25.95, 50, where: i => i != 0).Single().Id);
        Assert.Empty(index.Nearest(115.4, 25.95, 50, where: i => i == 2));
    }
}
