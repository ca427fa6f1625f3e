using System.Text.Json.Nodes;

namespace GridGov.E2E;

/// <summary>The planner test's grid files, made from the published plan's own unit grids (GeoJSON in, GeoJSON out).</summary>
internal static class Grids
{
    /// <summary>
    /// A unit grid on the border of its large grid (<see cref="From"/>) with a neighbour in <see cref="To"/>, a large
    /// grid of the same community (so the moved grid still nests and keeps its code), and the index of one of its
    /// corners inside the county (shared by three or more grids).
    /// </summary>
    public sealed record Pick(string Code, string Name, string From, string To, IReadOnlyList<(double X, double Y)> Ring, int Corner)
    {
        /// <summary>Points to try as the grid's inside: the corners' average, then halfway from it to each corner.</summary>
        public IEnumerable<(double X, double Y)> Candidates()
        {
            var corners = Ring.Take(Ring.Count - 1).ToList();
            var (cx, cy) = (corners.Average(p => p.X), corners.Average(p => p.Y));
            yield return (cx, cy);
            foreach (var (x, y) in corners) yield return ((cx + x) / 2, (cy + y) / 2);
        }
    }

    private static (long, long) Key(double x, double y) => ((long)Math.Round(x * 1e7), (long)Math.Round(y * 1e7));

    /// <summary>The outer ring of a Polygon, or of a MultiPolygon of one part (as plans store every grid); null otherwise.</summary>
    private static JsonArray? OuterRing(JsonNode geometry) => (string?)geometry["type"] switch
    {
        "Polygon" => geometry["coordinates"]![0]!.AsArray(),
        "MultiPolygon" when geometry["coordinates"]!.AsArray().Count == 1 => geometry["coordinates"]![0]![0]!.AsArray(),
        _ => null,
    };

    private static List<(double X, double Y)> Outer(JsonNode geometry) =>
        OuterRing(geometry)!.Select(p => ((double)p![0]!, (double)p[1]!)).ToList();

    public static Pick PickBorderGrid(JsonObject collection, JsonObject largeGrids)
    {
        var communityOf = largeGrids["features"]!.AsArray().ToDictionary(
            f => (string)f!["properties"]!["code"]!, f => (string?)f!["properties"]!["parentCode"] ?? "", StringComparer.Ordinal);
        var grids = collection["features"]!.AsArray()
            .Where(f => f!["geometry"] is { } g && OuterRing(g) is not null)
            .Select(f => (Code: (string)f!["properties"]!["code"]!, Name: (string?)f["properties"]!["name"] ?? "", Parent: (string?)f["properties"]!["parentCode"] ?? "", Ring: Outer(f["geometry"]!)))
            .OrderBy(g => g.Code, StringComparer.Ordinal)
            .ToList();
        var at = new Dictionary<(long, long), HashSet<string>>();
        foreach (var g in grids)
            foreach (var (x, y) in g.Ring)
                (at.TryGetValue(Key(x, y), out var set) ? set : at[Key(x, y)] = []).Add(g.Code);
        var parentOf = grids.ToDictionary(g => g.Code, g => g.Parent);
        var sizeOf = grids.GroupBy(g => g.Parent).ToDictionary(p => p.Key, p => p.Count());

        foreach (var g in grids.Where(g => g.Parent != "" && sizeOf[g.Parent] >= 3))
        {
            // Neighbours in another large grid: those sharing two corners or more (an edge) with it.
            var shared = g.Ring.Take(g.Ring.Count - 1).SelectMany(p => at[Key(p.X, p.Y)]).Where(c => c != g.Code)
                .GroupBy(c => c).Where(c => c.Count() >= 2 && parentOf[c.Key] != g.Parent && parentOf[c.Key] != ""
                    && communityOf.GetValueOrDefault(parentOf[c.Key]) is { Length: > 0 } community && community == communityOf.GetValueOrDefault(g.Parent)).ToList();
            if (shared.Count == 0) continue;
            var to = shared.GroupBy(c => parentOf[c.Key]).OrderByDescending(p => p.Count()).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
            var corner = Enumerable.Range(0, g.Ring.Count - 1).FirstOrDefault(i => at[Key(g.Ring[i].X, g.Ring[i].Y)].Count >= 3, -1);
            if (corner < 0) continue;
            return new Pick(g.Code, g.Name, g.Parent, to, g.Ring, corner);
        }
        throw new InvalidOperationException("no unit grid on the border of two large grids of one community with an inner corner");
    }

    /// <summary>The collection with the pick's corner moved <paramref name="metres"/> towards the grid's middle.</summary>
    public static string WithCornerPulledIn(string collectionJson, Pick pick, double metres)
    {
        var collection = JsonNode.Parse(collectionJson)!.AsObject();
        var feature = collection["features"]!.AsArray().Single(f => (string?)f!["properties"]!["code"] == pick.Code)!;
        var ring = OuterRing(feature["geometry"]!)!;
        var corners = pick.Ring.Take(pick.Ring.Count - 1).ToList();
        var (cx, cy) = (corners.Average(p => p.X), corners.Average(p => p.Y));
        var (x, y) = pick.Ring[pick.Corner];
        var mPerDegX = 111_320 * Math.Cos(y * Math.PI / 180);
        const double mPerDegY = 110_574;
        var (dx, dy) = ((cx - x) * mPerDegX, (cy - y) * mPerDegY);
        var length = Math.Sqrt(dx * dx + dy * dy);
        var moved = new JsonArray(x + dx / length * metres / mPerDegX, y + dy / length * metres / mPerDegY);
        ring[pick.Corner] = moved;
        if (pick.Corner == 0) ring[ring.Count - 1] = moved.DeepClone();
        return collection.ToJsonString();
    }

    /// <summary>Two unit grids, the second without a code: refused whole, naming that feature.</summary>
    public static string BadFile(double lon, double lat)
    {
        static JsonObject Square(string code, double x, double y) => new()
        {
            ["type"] = "Feature",
            ["properties"] = new JsonObject { ["code"] = code, ["name"] = "测试网格", ["parentCode"] = "" },
            ["geometry"] = new JsonObject
            {
                ["type"] = "Polygon",
                ["coordinates"] = new JsonArray(new JsonArray(
                    new JsonArray(x, y), new JsonArray(x + 0.001, y), new JsonArray(x + 0.001, y + 0.001), new JsonArray(x, y + 0.001), new JsonArray(x, y))),
            },
        };
        return new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["features"] = new JsonArray(Square("360730999999001", lon, lat), Square("", lon + 0.001, lat)),
        }.ToJsonString();
    }
}
