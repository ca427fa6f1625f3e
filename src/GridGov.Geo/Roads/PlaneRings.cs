namespace GridGov.Geo.Roads;

/// <summary>Rings of plane points (metres, not closed: the last point joins the first): area, containment, generalization.</summary>
internal static class PlaneRings
{
    public static double SignedArea(List<(double X, double Y)> ring)
    {
        var sum = 0.0;
        for (int k = 0, prev = ring.Count - 1; k < ring.Count; prev = k++)
            sum += ring[prev].X * ring[k].Y - ring[k].X * ring[prev].Y;
        return sum / 2;
    }

    public static bool Inside(List<(double X, double Y)> ring, double x, double y)
    {
        var inside = false;
        for (int k = 0, prev = ring.Count - 1; k < ring.Count; prev = k++)
        {
            var (xi, yi) = ring[k];
            var (xj, yj) = ring[prev];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    /// <summary>Douglas-Peucker on a closed ring, split at its first vertex and the vertex farthest from it.</summary>
    public static List<(double X, double Y)> Simplify(List<(double X, double Y)> ring, double tolerance)
    {
        var n = ring.Count;
        var far = 0;
        var farD = -1.0;
        var (x0, y0) = ring[0];
        for (var k = 1; k < n; k++)
        {
            double ex = ring[k].X - x0, ey = ring[k].Y - y0, d = ex * ex + ey * ey;
            if (d > farD) { farD = d; far = k; }
        }
        if (far == 0) return ring;
        var keep = new bool[n + 1];
        keep[0] = keep[far] = keep[n] = true;
        var tolerance2 = tolerance * tolerance;
        var stack = new Stack<(int A, int B)>();
        stack.Push((0, far));
        stack.Push((far, n));
        while (stack.Count > 0)
        {
            var (a, b) = stack.Pop();
            if (b - a < 2) continue;
            var (ax, ay) = ring[a];
            var (bx, by) = ring[b == n ? 0 : b];
            double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            var worst = -1;
            var worstD = tolerance2;
            for (var k = a + 1; k < b; k++)
            {
                var (px, py) = ring[k];
                var u = len2 > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
                double qx = ax + u * dx - px, qy = ay + u * dy - py, d = qx * qx + qy * qy;
                if (d > worstD) { worstD = d; worst = k; }
            }
            if (worst < 0) continue;
            keep[worst] = true;
            stack.Push((a, worst));
            stack.Push((worst, b));
        }
        var result = new List<(double X, double Y)>();
        for (var k = 0; k < n; k++) if (keep[k]) result.Add(ring[k]);
        return result.Count >= 3 ? result : ring;
    }
}
