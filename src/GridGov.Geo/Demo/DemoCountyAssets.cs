using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Demo;

public static partial class DemoCountyGenerator
{
    private sealed record RoadNode(int Id, Coordinate LonLat, int Degree, bool Outer);

    /// <summary>Life-circle facility kinds (GB 50180-2018): kind, label, walking level in minutes, count in the county.</summary>
    private static readonly (string Kind, string Label, int Minutes, int Count)[] FacilityKinds =
    [
        ("middle_school", "中学", 15, 3), ("community_hospital", "社区医院", 15, 2), ("elderly_home", "养老院", 15, 2),
        ("culture_centre", "文化活动中心", 15, 2), ("sports_ground", "体育场", 15, 2), ("street_service_centre", "便民服务中心", 15, 4),
        ("police_station", "派出所", 15, 2), ("mall", "商场", 15, 3), ("refuse_transfer", "垃圾转运站", 15, 2), ("bus_terminus", "公交首末站", 15, 2),
        ("primary_school", "小学", 10, 6), ("wet_market", "农贸市场", 10, 6), ("bus_stop", "公交站", 10, 24),
        ("community_service_station", "社区服务站", 5, 12), ("canteen", "长者食堂", 5, 10), ("kindergarten", "幼儿园", 5, 12),
        ("nursery", "托育点", 5, 6), ("elderly_day_care", "日间照料中心", 5, 8), ("health_station", "卫生服务站", 5, 10),
        ("shop", "便利店", 5, 30), ("recycling_point", "再生资源回收点", 5, 10), ("refuse_point", "垃圾收集点", 5, 40), ("public_toilet", "公共厕所", 5, 20),
    ];

    private sealed partial class Run
    {
        private (List<DemoRoad> Roads, List<RoadNode> Nodes) BuildRoads()
        {
            var nodeIds = new Dictionary<(double, double), int>();
            var nodeCoords = new List<Coordinate>();
            var degree = new List<int>();
            var outer = new List<bool>();
            var names = new Dictionary<(string, int, int), string?>();
            var stem = 0;
            var roads = new List<DemoRoad>();

            int Node(Coordinate c, bool isOuter)
            {
                if (!nodeIds.TryGetValue((c.X, c.Y), out var id))
                {
                    id = nodeCoords.Count + 1;
                    nodeIds.Add((c.X, c.Y), id);
                    nodeCoords.Add(c);
                    degree.Add(0);
                    outer.Add(false);
                }
                degree[id - 1]++;
                outer[id - 1] |= isOuter;
                return id;
            }

            foreach (var edge in _edges)
            {
                var (a, b) = (edge.CellA, edge.CellB);
                var cls = edge.IsOuter ? "main"
                    : _street[a] != _street[b] ? "trunk"
                    : _community[a] != _community[b] ? "main"
                    : _large[a] != _large[b] ? "secondary"
                    : "alley";
                var key = edge.IsOuter ? ("ring", 0, 0)
                    : cls switch
                    {
                        "trunk" => (cls, Math.Min(_street[a], _street[b]), Math.Max(_street[a], _street[b])),
                        "main" => (cls, Math.Min(_community[a], _community[b]), Math.Max(_community[a], _community[b])),
                        "secondary" => (cls, Math.Min(_large[a], _large[b]), Math.Max(_large[a], _large[b])),
                        _ => (cls, -1, -1),
                    };
                if (!names.TryGetValue(key, out var name))
                {
                    name = key.Item1 switch
                    {
                        "ring" => "环城路",
                        "alley" => null,
                        _ => DemoNames.RoadStems[stem % DemoNames.RoadStems.Length]
                             + (stem >= DemoNames.RoadStems.Length ? "二" : "")
                             + (cls == "trunk" ? "大道" : cls == "main" ? "路" : "街"),
                    };
                    if (key.Item1 is not ("ring" or "alley")) stem++;
                    names.Add(key, name);
                }
                var line = _lonLat.CreateLineString(edge.Coordinates);
                var source = Node(edge.Coordinates[0], edge.IsOuter);
                var target = Node(edge.Coordinates[^1], edge.IsOuter);
                roads.Add(new DemoRoad(roads.Count + 1, cls, name, line, source, target, Math.Round(MetricLength(edge.Coordinates), 2)));
            }
            var nodes = nodeCoords.Select((c, i) => new RoadNode(i + 1, c, degree[i], outer[i])).ToList();
            return (roads, nodes);
        }

        private double MetricLength(Coordinate[] lonLat)
        {
            var length = 0.0;
            var prev = _gk.Forward(lonLat[0].X, lonLat[0].Y);
            for (var i = 1; i < lonLat.Length; i++)
            {
                var p = _gk.Forward(lonLat[i].X, lonLat[i].Y);
                length += Math.Sqrt((p.X - prev.X) * (p.X - prev.X) + (p.Y - prev.Y) * (p.Y - prev.Y));
                prev = p;
            }
            return length;
        }

        private List<DemoKeyPost> BuildPosts(List<RoadNode> nodes, List<DemoRoad> roads, List<DemoTeam> teams)
        {
            var candidates = nodes.Where(n => n.Degree >= 3 && !n.Outer)
                .Select(n => (Node: n, M: _gk.Forward(n.LonLat.X, n.LonLat.Y))).ToList();
            var (cx, cy) = _gk.Forward(o.CenterLon, o.CenterLat);
            var chosen = new List<(RoadNode Node, (double X, double Y) M)>
            {
                candidates.MinBy(c => (c.M.X - cx) * (c.M.X - cx) + (c.M.Y - cy) * (c.M.Y - cy)),
            };
            var nearest = candidates.Select(c => Dist2(c.M, chosen[0].M)).ToArray();
            while (chosen.Count < o.KeyPosts)
            {
                var far = Array.IndexOf(nearest, nearest.Max());
                chosen.Add(candidates[far]);
                for (var i = 0; i < candidates.Count; i++) nearest[i] = Math.Min(nearest[i], Dist2(candidates[i].M, candidates[far].M));
            }

            var roadsAt = roads.Where(r => r.Name is not null)
                .SelectMany(r => new[] { (r.Source, r.Name!), (r.Target, r.Name!) })
                .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Select(p => p.Item2).Order(StringComparer.Ordinal).First());
            var usedNames = new HashSet<string>();
            var posts = new List<DemoKeyPost>();
            foreach (var (node, _) in NorthWestFirst(chosen, c => c.M, 900))
            {
                var largeCode = LargeGridAt(node.LonLat) ?? throw new InvalidOperationException("Key post outside every grid.");
                var team = teams.First(t => t.LargeGridCode == largeCode);
                var place = roadsAt.GetValueOrDefault(node.Id) ?? _areas.First(a => a.Code == largeCode).Name.Replace("大网格", "");
                var name = place + DemoNames.PostKinds[posts.Count % DemoNames.PostKinds.Length];
                for (var k = 2; !usedNames.Add(name); k++) name = $"{place}{DemoNames.PostKinds[posts.Count % DemoNames.PostKinds.Length]}({k})";
                posts.Add(new DemoKeyPost($"{o.CountyCode}P{posts.Count + 1:D2}", name,
                    _lonLat.CreatePoint(node.LonLat.Copy()), 150 + 10 * _rng.Next(0, 16), team.Id, largeCode));
            }
            return posts;
        }

        private static double Dist2((double X, double Y) a, (double X, double Y) b) => (a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y);

        /// <summary>
        /// Lamps on both sides of every road; the cable runs road by road through neighbouring streets (each road's
        /// lamps in order along it, roads chained nearest-next), cut into circuits of 20-60 lamps; every 2-6 circuits
        /// share a power cabinet standing beside the first lamp. Sizes come from their own random stream, so the rest
        /// of the county does not move when they change.
        /// </summary>
        private List<DemoStreetlight> BuildStreetlights(List<DemoRoad> roads)
        {
            var rng = new Random(o.Seed ^ 0x5EED);
            var spacing = o.LightSpacingM;
            const double endGap = 8;
            var runs = new List<(DemoRoad Road, (double X, double Y) Start, (double X, double Y) End, List<(Point P, string Unit)> Lamps)>();
            foreach (var road in roads)
            {
                var pts = road.Geometry.Coordinates.Select(c => _gk.Forward(c.X, c.Y)).ToArray();
                var offset = road.Class is "trunk" ? 11.0 : road.Class is "main" ? 9.0 : 6.0;
                var along = new List<(double D, Point P, string Unit)>();
                foreach (var side in new[] { 1, -1 })
                {
                    for (var d = endGap + (side < 0 ? spacing / 2 : 0); d <= road.LengthM - endGap; d += spacing)
                    {
                        var (x, y, dx, dy) = Along(pts, d);
                        var point = PointLonLat(x - dy * offset * side, y + dx * offset * side);
                        if (_index.Locate(point.X, point.Y) is { } unit) along.Add((d, point, unit));
                    }
                }
                if (along.Count > 0)
                    runs.Add((road, pts[0], pts[^1], along.OrderBy(a => a.D).Select(a => (a.P, a.Unit)).ToList()));
            }

            // Chain the roads: from the north-west, always the nearest road not yet wired.
            var order = new List<int>(runs.Count);
            var left = Enumerable.Range(0, runs.Count).ToHashSet();
            var at = runs.MinBy(r => r.Start.X - r.Start.Y).Start;
            while (left.Count > 0)
            {
                var next = left.MinBy(i => Math.Min(Dist2(runs[i].Start, at), Dist2(runs[i].End, at)));
                left.Remove(next);
                order.Add(next);
                at = runs[next].End;
            }

            var circuits = new List<List<(Point P, string Unit, int RoadId, string Class)>>();
            var current = new List<(Point P, string Unit, int RoadId, string Class)>();
            var target = rng.Next(20, 61);
            foreach (var i in order)
            {
                foreach (var (p, unit) in runs[i].Lamps)
                {
                    current.Add((p, unit, runs[i].Road.Id, runs[i].Road.Class));
                    if (current.Count < target) continue;
                    circuits.Add(current);
                    current = [];
                    target = rng.Next(20, 61);
                }
            }
            if (current.Count > 0)
            {
                if (circuits.Count > 0 && circuits[^1].Count + current.Count <= 60) circuits[^1].AddRange(current);
                else circuits.Add(current);
            }

            // Cabinets of 2-6 consecutive circuits; the last group borrows from the one before when it would be alone.
            var groups = new List<int>();
            for (var remaining = circuits.Count; remaining > 0;)
            {
                var size = Math.Min(remaining, rng.Next(2, 7));
                if (remaining - size == 1) size = size == 6 ? 5 : size + 1;
                groups.Add(size);
                remaining -= size;
            }

            string[] types = ["LED", "LED", "LED", "LED", "高压钠灯"];
            var cabinets = new List<DemoStreetlight>();
            var lights = new List<DemoStreetlight>();
            var c = 0;
            foreach (var size in groups)
            {
                var first = circuits[c][0];
                var (fx, fy) = _gk.Forward(first.P.X, first.P.Y);
                var place = PointLonLat(fx + 3, fy + 3);
                var cabinetCode = $"{o.CountyCode}01060{cabinets.Count + 1:D6}";
                cabinets.Add(new DemoStreetlight(cabinetCode, "01060", place, first.RoadId, cabinetCode, null,
                    _index.Locate(place.X, place.Y) ?? first.Unit, null, null, null, new DateOnly(2012 + rng.Next(0, 12), 1 + rng.Next(12), 1)));
                for (var n = 1; n <= size; n++, c++)
                {
                    var circuit = $"{cabinetCode}-{n}";
                    var seq = 0;
                    foreach (var lamp in circuits[c])
                    {
                        var type = types[rng.Next(types.Length)];
                        var power = lamp.Class switch { "trunk" => 250, "main" => 150, "secondary" => 100, _ => 60 } * (type == "LED" ? 1 : 2) / (type == "LED" ? 2 : 1);
                        lights.Add(new DemoStreetlight($"{o.CountyCode}01037{lights.Count + 1:D6}", "01037", lamp.P, lamp.RoadId, cabinetCode, circuit,
                            lamp.Unit, ++seq, type, power, new DateOnly(2012 + rng.Next(0, 13), 1 + rng.Next(12), 1 + rng.Next(28))));
                    }
                }
            }
            return [.. cabinets, .. lights];
        }

        /// <summary>Position and unit direction at distance <paramref name="d"/> along a metric polyline.</summary>
        private static (double X, double Y, double Dx, double Dy) Along((double X, double Y)[] pts, double d)
        {
            for (var i = 1; i < pts.Length; i++)
            {
                var (ax, ay) = pts[i - 1];
                var (bx, by) = pts[i];
                var len = Math.Sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
                if (len == 0) continue;
                if (d <= len || i == pts.Length - 1)
                {
                    var t = Math.Min(d / len, 1);
                    return (ax + (bx - ax) * t, ay + (by - ay) * t, (bx - ax) / len, (by - ay) / len);
                }
                d -= len;
            }
            return (pts[0].X, pts[0].Y, 1, 0);
        }

        private List<DemoBuilding> BuildBuildings()
        {
            var buildings = new List<DemoBuilding>();
            for (var c = 0; c < _cellsMetric.Count; c++)
            {
                var cell = _cellsMetric[c];
                if (cell.Buffer(-14) is not Polygon inset || inset.IsEmpty) continue;
                var shell = cell.Shell.Coordinates;
                var longest = Enumerable.Range(1, shell.Length - 1).MaxBy(i => shell[i].Distance(shell[i - 1]));
                var angle = Math.Atan2(shell[longest].Y - shell[longest - 1].Y, shell[longest].X - shell[longest - 1].X);
                var (ux, uy, vx, vy) = (Math.Cos(angle), Math.Sin(angle), -Math.Sin(angle), Math.Cos(angle));
                var origin = cell.Centroid.Coordinate;
                var us = shell.Select(p => (p.X - origin.X) * ux + (p.Y - origin.Y) * uy).ToArray();
                var vs = shell.Select(p => (p.X - origin.X) * vx + (p.Y - origin.Y) * vy).ToArray();
                for (var u = us.Min(); u < us.Max(); u += 30)
                for (var v = vs.Min(); v < vs.Max(); v += 28)
                {
                    var w = 12 + _rng.NextDouble() * 8;
                    var depth = 10 + _rng.NextDouble() * 4;
                    var skip = _rng.NextDouble() < 0.3;
                    Coordinate Corner(double du, double dv) => new(origin.X + (u + du) * ux + (v + dv) * vx, origin.Y + (u + du) * uy + (v + dv) * vy);
                    var rect = _metric.CreatePolygon([Corner(0, 0), Corner(w, 0), Corner(w, depth), Corner(0, depth), Corner(0, 0)]);
                    if (skip || !inset.Contains(rect)) continue;
                    var floors = _rng.NextDouble() < 0.15 ? _rng.Next(11, 19) : _rng.Next(2, 8);
                    buildings.Add(new DemoBuilding(buildings.Count + 1, "residential", (Polygon)ToLonLat(rect), floors, floors * _rng.Next(2, 5), _unitCode[c]));
                }
            }
            return buildings;
        }

        private List<DemoFacility> BuildFacilities(List<DemoBuilding> buildings)
        {
            var facilities = new List<DemoFacility>();
            var taken = new HashSet<int>();
            var communityNames = _areas.Where(a => a.Level == AreaLevel.Community).ToDictionary(a => a.Code, a => a.Name);
            foreach (var (kind, label, minutes, count) in FacilityKinds)
            {
                for (var i = 0; i < count; i++)
                {
                    int pick;
                    do pick = _rng.Next(buildings.Count); while (!taken.Add(pick));
                    var building = buildings[pick];
                    buildings[pick] = building with { Kind = "facility", Households = 0 };
                    var community = communityNames[building.UnitGridCode[..12]];
                    var name = $"{community.Replace("社区", "")}{label}";
                    if (facilities.Any(f => f.Name == name)) name += $"{facilities.Count(f => f.Name.StartsWith(name, StringComparison.Ordinal)) + 1}号";
                    facilities.Add(new DemoFacility(facilities.Count + 1, kind, name, minutes, (Point)building.Geometry.Centroid, building.UnitGridCode));
                }
            }
            return facilities;
        }
    }
}
