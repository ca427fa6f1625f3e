namespace GridGov.Geo.Demo;

/// <summary>Deterministic k-means on points (farthest-point start), and contiguity repair of labels over a cell graph.</summary>
internal static class Clustering
{
    /// <summary>Labels 0..k-1 for <paramref name="points"/>; deterministic for equal input.</summary>
    public static int[] KMeans(IReadOnlyList<(double X, double Y)> points, int k, int iterations = 20)
    {
        if (k <= 0 || points.Count < k) throw new ArgumentException($"Cannot cut {points.Count} points into {k} clusters.");
        var centers = new List<(double X, double Y)>();
        var first = 0;
        for (var i = 1; i < points.Count; i++)
            if (points[i].X < points[first].X) first = i;
        centers.Add(points[first]);
        while (centers.Count < k)
        {
            var far = 0;
            var farD = -1.0;
            for (var i = 0; i < points.Count; i++)
            {
                var d = centers.Min(c => Dist2(c, points[i]));
                if (d > farD) { farD = d; far = i; }
            }
            centers.Add(points[far]);
        }
        var labels = new int[points.Count];
        for (var it = 0; it < iterations; it++)
        {
            for (var i = 0; i < points.Count; i++)
            {
                var best = 0;
                for (var c = 1; c < k; c++)
                    if (Dist2(centers[c], points[i]) < Dist2(centers[best], points[i])) best = c;
                labels[i] = best;
            }
            for (var c = 0; c < k; c++)
            {
                double sx = 0, sy = 0;
                var n = 0;
                for (var i = 0; i < points.Count; i++)
                {
                    if (labels[i] != c) continue;
                    sx += points[i].X;
                    sy += points[i].Y;
                    n++;
                }
                if (n > 0) centers[c] = (sx / n, sy / n);
            }
        }
        return labels;
    }

    /// <summary>
    /// Makes every label's cells one connected piece: cells of a smaller piece move to the neighbouring
    /// label they share most borders with. <paramref name="members"/> restricts the repair to a subset.
    /// </summary>
    public static void MakeContiguous(int[] labels, int[][] neighbours, IReadOnlyCollection<int> members)
    {
        var inSet = new HashSet<int>(members);
        for (var round = 0; round < 50; round++)
        {
            var moved = false;
            foreach (var label in members.Select(m => labels[m]).Distinct().OrderBy(l => l).ToArray())
            {
                var components = Components(members.Where(m => labels[m] == label), labels, neighbours, inSet);
                if (components.Count <= 1) continue;
                foreach (var piece in components.OrderByDescending(c => c.Count).ThenBy(c => c.Min()).Skip(1))
                {
                    var votes = piece.SelectMany(cell => neighbours[cell])
                        .Where(n => inSet.Contains(n) && labels[n] != label)
                        .GroupBy(n => labels[n])
                        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
                        .FirstOrDefault();
                    if (votes is null) continue;
                    foreach (var cell in piece) labels[cell] = votes.Key;
                    moved = true;
                }
            }
            if (!moved) return;
        }
    }

    private static List<List<int>> Components(IEnumerable<int> cells, int[] labels, int[][] neighbours, HashSet<int> inSet)
    {
        var remaining = new SortedSet<int>(cells);
        var result = new List<List<int>>();
        while (remaining.Count > 0)
        {
            var start = remaining.Min;
            remaining.Remove(start);
            var piece = new List<int> { start };
            var queue = new Queue<int>(piece);
            while (queue.Count > 0)
            {
                var cell = queue.Dequeue();
                foreach (var n in neighbours[cell])
                {
                    if (!inSet.Contains(n) || labels[n] != labels[start] || !remaining.Remove(n)) continue;
                    piece.Add(n);
                    queue.Enqueue(n);
                }
            }
            result.Add(piece);
        }
        return result;
    }

    private static double Dist2((double X, double Y) a, (double X, double Y) b) => (a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y);
}
