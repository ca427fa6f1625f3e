using GridGov.Geo.Coordinates;
using GridGov.Geo.Grids;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Triangulate;

namespace GridGov.Geo.Demo;

/// <summary>Knobs of the demo county; the defaults give the county the README describes.</summary>
public sealed record DemoCountyOptions
{
    public int Seed { get; init; } = 20260701;
    public string CountyCode { get; init; } = "360799";
    public string CountyName { get; init; } = "演示县";
    public double CenterLon { get; init; } = 115.415;
    public double CenterLat { get; init; } = 25.955;
    public double HalfWidthM { get; init; } = 3350;
    public double HalfHeightM { get; init; } = 2650;
    public double CellSpacingM { get; init; } = 180;
    public int Streets { get; init; } = 4;
    public int Communities { get; init; } = 12;
    public int LargeGrids { get; init; } = 15;
    public int KeyPosts { get; init; } = 42;
    public double LightSpacingM { get; init; } = 17;
}

/// <summary>
/// Generates a deterministic, town-like demo county: one Voronoi tessellation (relaxed, jittered hex seeds)
/// inside an irregular outline gives the unit grids; large grids, communities and streets are unions of
/// whole unit grids, so every level nests exactly and tiles its parent with no gap or overlap; grid
/// boundaries become the noded road network. Same options, same county, on every machine. Thread-safe.
/// </summary>
public static partial class DemoCountyGenerator
{
    public static DemoCounty Generate(DemoCountyOptions? options = null) => new Run(options ?? new DemoCountyOptions()).Build();

    private sealed partial class Run(DemoCountyOptions o)
    {
        private readonly Random _rng = new(o.Seed);
        private readonly GaussKruger _gk = GaussKruger.ForLongitude(o.CenterLon);
        private readonly GeometryFactory _metric = new(new PrecisionModel(), 0);
        private readonly GeometryFactory _lonLat = new(new PrecisionModel(), GaussKruger.Cgcs2000Srid);

        private Polygon _outline = null!;
        private readonly List<Polygon> _cellsMetric = [];
        private readonly List<Polygon> _cells = [];
        private readonly List<(double X, double Y)> _sites = [];
        private IReadOnlyList<CoverageEdge> _edges = [];
        private int[] _street = [], _community = [], _large = [];
        private readonly List<DemoArea> _areas = [];
        private string[] _unitCode = [], _largeCode = [], _communityCode = [], _streetCode = [];
        private UnitGridIndex _index = null!;

        public DemoCounty Build()
        {
            Tessellate();
            _edges = CoverageEdges.Extract(_cells);
            var neighbours = CoverageEdges.Neighbours(_cells.Count, _edges);
            Partition(neighbours);
            NameAreas();
            _index = UnitGridIndex.Build(_areas.Where(a => a.Level == AreaLevel.Unit).Select(a => (a.Code, a.Geometry)));
            var teams = BuildTeams();
            var (roads, nodes) = BuildRoads();
            var posts = BuildPosts(nodes, roads, teams);
            var lights = BuildStreetlights(roads);
            var buildings = BuildBuildings();
            var facilities = BuildFacilities(buildings);
            return new DemoCounty(o.CountyCode, o.CountyName, _areas, teams, posts, roads, lights, buildings, facilities, BuildAssetGroups(teams));
        }

        private void Tessellate()
        {
            var (cx, cy) = _gk.Forward(o.CenterLon, o.CenterLat);
            var phases = Enumerable.Range(0, 4).Select(_ => _rng.NextDouble() * 2 * Math.PI).ToArray();
            double[] amps = [0.10, 0.07, 0.05, 0.03];
            const int n = 160;
            var radii = new double[n];
            for (var i = 0; i < n; i++)
            {
                var t = 2 * Math.PI * i / n;
                radii[i] = 1 + amps[0] * Math.Sin(2 * t + phases[0]) + amps[1] * Math.Sin(3 * t + phases[1])
                           + amps[2] * Math.Sin(5 * t + phases[2]) + amps[3] * Math.Sin(7 * t + phases[3]);
            }
            var scale = radii.Max();
            var ring = new Coordinate[n + 1];
            for (var i = 0; i < n; i++)
            {
                var t = 2 * Math.PI * i / n;
                ring[i] = new Coordinate(cx + o.HalfWidthM * radii[i] / scale * Math.Cos(t), cy + o.HalfHeightM * radii[i] / scale * Math.Sin(t));
            }
            ring[n] = ring[0].Copy();
            _outline = _metric.CreatePolygon(ring);

            var s = o.CellSpacingM;
            var rowStep = s * Math.Sqrt(3) / 2;
            var sites = new List<Coordinate>();
            var row = 0;
            for (var y = cy - o.HalfHeightM - 4 * s; y <= cy + o.HalfHeightM + 4 * s; y += rowStep, row++)
            {
                for (var x = cx - o.HalfWidthM - 4 * s + (row % 2) * s / 2; x <= cx + o.HalfWidthM + 4 * s; x += s)
                    sites.Add(new Coordinate(x + (_rng.NextDouble() - 0.5) * 0.6 * s, y + (_rng.NextDouble() - 0.5) * 0.6 * s));
            }
            var clip = new Envelope(cx - o.HalfWidthM - 5 * s, cx + o.HalfWidthM + 5 * s, cy - o.HalfHeightM - 5 * s, cy + o.HalfHeightM + 5 * s);

            // Two Lloyd relaxations even out cell sizes while keeping the shapes irregular.
            for (var iteration = 0; iteration < 2; iteration++)
                sites = Voronoi(sites, clip).Select(cell => cell.Polygon.Centroid.Coordinate).ToList();

            var inside = new IndexedPointInAreaLocator(_outline);
            foreach (var (site, polygon) in Voronoi(sites, clip))
            {
                if (inside.Locate(site) == Location.Exterior) continue;
                if (!clip.Contains(polygon.EnvelopeInternal)) throw new InvalidOperationException("Outline too close to the seed frame.");
                _sites.Add((site.X, site.Y));
                _cellsMetric.Add(polygon);
                _cells.Add((Polygon)ToLonLat(polygon));
            }
        }

        /// <summary>Voronoi cells in the order of <paramref name="sites"/>; adjacent cells share vertex coordinates exactly.</summary>
        private List<(Coordinate Site, Polygon Polygon)> Voronoi(List<Coordinate> sites, Envelope clip)
        {
            var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip };
            builder.SetSites(sites);
            var diagram = builder.GetDiagram(_metric);
            var bySite = new Dictionary<(double, double), Polygon>();
            foreach (var g in diagram.Geometries)
            {
                if (g is Polygon p && g.UserData is Coordinate c) bySite[(c.X, c.Y)] = p;
            }
            return sites.Where(c => bySite.ContainsKey((c.X, c.Y))).Select(c => (c, bySite[(c.X, c.Y)])).ToList();
        }

        /// <summary>Unprojects to lon/lat rounded to 1e-7 degree (about 1 cm); shared vertices stay shared.</summary>
        private Geometry ToLonLat(Geometry metric)
        {
            var lonLat = _gk.Unproject(metric);
            var rounded = new NetTopologySuite.Precision.GeometryPrecisionReducer(new PrecisionModel(1e7)) { Pointwise = true }.Reduce(lonLat);
            var result = _lonLat.CreateGeometry(rounded);
            if (!result.IsValid) throw new InvalidOperationException($"Generated geometry became invalid after rounding: {result}");
            return result;
        }

        private Point PointLonLat(double x, double y)
        {
            var (lon, lat) = _gk.Inverse(x, y);
            return _lonLat.CreatePoint(new Coordinate(Math.Round(lon, 7), Math.Round(lat, 7)));
        }

        private void Partition(int[][] neighbours)
        {
            var all = Enumerable.Range(0, _cells.Count).ToArray();
            _street = Clustering.KMeans(_sites, o.Streets);
            Clustering.MakeContiguous(_street, neighbours, all);

            var streetCells = Enumerable.Range(0, o.Streets).Select(st => all.Where(c => _street[c] == st).ToArray()).ToArray();
            var largeQuota = Apportion(streetCells.Select(c => (double)c.Length).ToArray(), o.LargeGrids, _ => int.MaxValue);
            var communityQuota = Apportion(largeQuota.Select(q => (double)q).ToArray(), o.Communities, st => largeQuota[st]);

            _large = new int[_cells.Count];
            _community = new int[_cells.Count];
            var nextLarge = 0;
            var nextCommunity = 0;
            for (var st = 0; st < o.Streets; st++)
            {
                var members = streetCells[st];
                var local = Clustering.KMeans(members.Select(c => _sites[c]).ToArray(), largeQuota[st]);
                for (var i = 0; i < members.Length; i++) _large[members[i]] = nextLarge + local[i];
                Clustering.MakeContiguous(_large, neighbours, members);

                // Communities: merge adjacent large grids, smallest pair first, until the quota is met.
                var groups = members.Select(c => _large[c]).Distinct().Order().Select(l => new List<int> { l }).ToList();
                while (groups.Count > communityQuota[st])
                {
                    var best = (A: -1, B: -1, Size: int.MaxValue);
                    for (var a = 0; a < groups.Count; a++)
                    for (var b = a + 1; b < groups.Count; b++)
                    {
                        if (!Touch(groups[a], groups[b], members, neighbours)) continue;
                        var size = members.Count(c => groups[a].Contains(_large[c]) || groups[b].Contains(_large[c]));
                        if (size < best.Size) best = (a, b, size);
                    }
                    if (best.A < 0) throw new InvalidOperationException("No adjacent large grids to merge into a community.");
                    groups[best.A].AddRange(groups[best.B]);
                    groups.RemoveAt(best.B);
                }
                foreach (var c in members)
                    _community[c] = nextCommunity + groups.FindIndex(g => g.Contains(_large[c]));
                nextLarge += largeQuota[st];
                nextCommunity += communityQuota[st];
            }
        }

        private bool Touch(List<int> a, List<int> b, int[] members, int[][] neighbours) =>
            members.Any(c => a.Contains(_large[c]) && neighbours[c].Any(n => b.Contains(_large[n])));

        /// <summary>Largest-remainder apportionment of <paramref name="total"/> seats by weight, each share within [1, cap].</summary>
        private static int[] Apportion(double[] weights, int total, Func<int, int> cap)
        {
            var sum = weights.Sum();
            var exact = weights.Select(w => w / sum * total).ToArray();
            var seats = exact.Select((e, i) => Math.Clamp((int)Math.Floor(e), 1, cap(i))).ToArray();
            while (seats.Sum() < total)
            {
                var i = Enumerable.Range(0, seats.Length).Where(j => seats[j] < cap(j)).OrderByDescending(j => exact[j] - seats[j]).First();
                seats[i]++;
            }
            while (seats.Sum() > total)
            {
                var i = Enumerable.Range(0, seats.Length).Where(j => seats[j] > 1).OrderBy(j => exact[j] - seats[j]).First();
                seats[i]--;
            }
            return seats;
        }

        /// <summary>GB/T 30428.1 numbering order: north to south in rows of <paramref name="band"/> metres, west to east within a row.</summary>
        private static IEnumerable<T> NorthWestFirst<T>(IEnumerable<T> items, Func<T, (double X, double Y)> at, double band)
        {
            var list = items.ToList();
            if (list.Count == 0) return list;
            var top = list.Max(i => at(i).Y);
            return list.OrderBy(i => Math.Floor((top - at(i).Y) / band)).ThenBy(i => at(i).X);
        }

        private (double X, double Y) CentroidOf(IEnumerable<int> cells)
        {
            var list = cells.ToList();
            return (list.Average(c => _sites[c].X), list.Average(c => _sites[c].Y));
        }

        private void NameAreas()
        {
            var all = Enumerable.Range(0, _cells.Count).ToArray();
            var county = Union(all);
            _areas.Add(new DemoArea(o.CountyCode, AreaLevel.County, o.CountyName, null, county, null));

            _streetCode = new string[o.Streets];
            _communityCode = new string[o.Communities];
            _largeCode = new string[o.LargeGrids];
            _unitCode = new string[_cells.Count];
            var streetOrder = Enumerable.Range(0, o.Streets).OrderBy(st => CentroidOf(all.Where(c => _street[c] == st)).X).ToArray();
            var communityNo = 0;
            var largeNo = 0;
            for (var si = 0; si < streetOrder.Length; si++)
            {
                var st = streetOrder[si];
                var code = $"{o.CountyCode}{si + 1:D3}";
                _streetCode[st] = code;
                _areas.Add(new DemoArea(code, AreaLevel.Street, DemoNames.Streets[si % DemoNames.Streets.Length], o.CountyCode, Union(all.Where(c => _street[c] == st)), null));

                var communities = NorthWestFirst(all.Where(c => _street[c] == st).Select(c => _community[c]).Distinct(),
                    cm => CentroidOf(all.Where(c => _community[c] == cm)), 900).ToArray();
                for (var ci = 0; ci < communities.Length; ci++)
                {
                    var cm = communities[ci];
                    var cmName = DemoNames.Communities[communityNo++ % DemoNames.Communities.Length];
                    var cmCode = $"{code}{ci + 1:D3}";
                    _communityCode[cm] = cmCode;
                    var cmCells = all.Where(c => _community[c] == cm).ToArray();
                    _areas.Add(new DemoArea(cmCode, AreaLevel.Community, cmName, code, Union(cmCells), null));

                    var larges = NorthWestFirst(cmCells.Select(c => _large[c]).Distinct(), l => CentroidOf(all.Where(c => _large[c] == l)), 900).ToArray();
                    var shortName = cmName.Replace("社区", "");
                    for (var li = 0; li < larges.Length; li++)
                    {
                        largeNo++;
                        var lgCode = $"{o.CountyCode}L{largeNo:D2}";
                        _largeCode[larges[li]] = lgCode;
                        var lgName = larges.Length == 1 ? $"{shortName}大网格" : $"{shortName}第{DemoNames.ChineseNumerals[li]}大网格";
                        _areas.Add(new DemoArea(lgCode, AreaLevel.Large, lgName, cmCode, Union(all.Where(c => _large[c] == larges[li])), largeNo));
                    }

                    // Unit grids are numbered within their community; their parent is the large grid.
                    var units = NorthWestFirst(cmCells, c => _sites[c], o.CellSpacingM).ToArray();
                    for (var ui = 0; ui < units.Length; ui++)
                    {
                        var unitCode = $"{cmCode}{ui + 1:D3}";
                        _unitCode[units[ui]] = unitCode;
                        _areas.Add(new DemoArea(unitCode, AreaLevel.Unit, $"{cmName}第{ui + 1}单元网格", _largeCode[_large[units[ui]]], _cells[units[ui]], null));
                    }
                }
            }
        }

        private Geometry Union(IEnumerable<int> cells)
        {
            var union = CoverageUnion.Union(cells.Select(c => (Geometry)_cells[c]).ToArray());
            union.SRID = GaussKruger.Cgcs2000Srid;
            return union;
        }

        private List<DemoTeam> BuildTeams()
        {
            var teams = new List<DemoTeam>();
            var memberId = 0;
            string[] roles = ["enforcement", "enforcement", "municipal", "landscaping", "sanitation"];
            string[] shifts = ["early", "middle", "late"];
            foreach (var large in _areas.Where(a => a.Level == AreaLevel.Large))
            {
                var members = new List<DemoMember>();
                for (var i = 0; i < roles.Length; i++)
                {
                    memberId++;
                    var name = DemoNames.Surnames[_rng.Next(DemoNames.Surnames.Length)] + DemoNames.GivenNames[_rng.Next(DemoNames.GivenNames.Length)];
                    members.Add(new DemoMember(memberId, name, $"CG{memberId:D4}", roles[i], shifts[(memberId + i) % shifts.Length], i == 0));
                }
                teams.Add(new DemoTeam(large.TeamId!.Value, $"{large.Name}责任班组", large.Code, "2+1+1+1", members));
            }
            return teams;
        }

        /// <summary>
        /// The streetlight office's groups: office (内勤), line (线路) and repair (维修), each with day members (early,
        /// middle) and night members ("白加黑": night patrols check the lamps are lit). Their own random stream.
        /// </summary>
        private static List<DemoAssetGroup> BuildAssetGroups(List<DemoTeam> teams)
        {
            var rng = new Random(0x11647);
            var teamId = teams.Max(t => t.Id);
            var memberId = teams.SelectMany(t => t.Members).Max(m => m.Id);
            var groups = new List<DemoAssetGroup>();
            foreach (var (duty, name, shifts) in new[]
            {
                ("office", "路灯所内勤组", new[] { "early", "middle", "night" }),
                ("line", "路灯所线路组", new[] { "early", "middle", "night", "night" }),
                ("repair", "路灯所维修组", new[] { "early", "early", "middle", "night", "night", "night" }),
            })
            {
                var members = shifts.Select((shift, i) =>
                {
                    memberId++;
                    var person = DemoNames.Surnames[rng.Next(DemoNames.Surnames.Length)] + DemoNames.GivenNames[rng.Next(DemoNames.GivenNames.Length)];
                    return new DemoMember(memberId, person, $"LD{memberId:D4}", "municipal", shift, i == 0);
                }).ToList();
                groups.Add(new DemoAssetGroup(++teamId, name, duty, $"1+{members.Count - 1}", members));
            }
            return groups;
        }

        /// <summary>The large grid code holding a lon/lat point, by the unit grid index's boundary rule.</summary>
        private string? LargeGridAt(Coordinate lonLat)
        {
            var unit = _index.Locate(lonLat.X, lonLat.Y);
            return unit is null ? null : _areas.First(a => a.Code == unit).ParentCode;
        }
    }
}
