namespace GridGov.Api.Community;

/// <summary>Section "Orders": how long a pool has to take an order, how points are counted, what "done" needs.</summary>
public sealed class OrdersSettings
{
    /// <summary>An order nobody takes within this many minutes goes on to the grid team (a request may give its own, 5-1440).</summary>
    public int TakeWithinMinutes { get; set; } = 60;

    /// <summary>How often the escalation watcher looks for orders past their time.</summary>
    public int EscalateScanSeconds { get; set; } = 15;

    /// <summary>Points per score step: an order scored 4 earns 4 × this × the category's weight.</summary>
    public int PointsPerScore { get; set; } = 2;

    /// <summary>Weight by category code or 2-digit major (the longest match counts); 1 when none matches.</summary>
    public Dictionary<string, double> CategoryWeights { get; set; } = new()
    {
        ["06"] = 1.0, // city appearance: garbage, clutter
        ["04"] = 1.2, // landscaping: trees, green
        ["08"] = 1.5, // construction
        ["09"] = 1.5, // street order: vendors, encroachment (a member's persuasion counts)
    };

    /// <summary>The taker reports done only with an "after" photo of the result.</summary>
    public bool DonePhotoRequired { get; set; } = true;

    public double Weight(string category)
    {
        for (var n = category.Length; n >= 2; n--)
            if (CategoryWeights.TryGetValue(category[..n], out var w)) return w;
        return 1.0;
    }

    /// <summary>积分 for an order of <paramref name="category"/> scored <paramref name="score"/> (1-5).</summary>
    public int Points(string category, int score) => (int)Math.Round(score * PointsPerScore * Weight(category), MidpointRounding.AwayFromZero);
}
