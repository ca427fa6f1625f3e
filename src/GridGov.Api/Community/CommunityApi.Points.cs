using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Community;

/// <summary>One member's month: orders scored, their average score, points, and rank in the community.</summary>
public sealed record MemberPoints(int Rank, int MemberId, string Name, MemberKind Kind, string Community, int Orders, double? AverageScore, int Points);

public sealed record MonthlyPoints(string Month, string? Community, string? CommunityName, IReadOnlyList<MemberPoints> Members, int TotalPoints, int TotalOrders);

public sealed record CommunityMonth(string Community, string CommunityName, int Orders, int Scored, int Escalated, int Open, int Points, int Members, double? AverageScore);

/// <summary>积分: the monthly points per member and per community, as JSON, CSV and a printable report.</summary>
public static partial class CommunityApi
{
    internal static (DateTimeOffset From, DateTimeOffset To, string Label)? Month(string? month, CalendarProvider calendar, TimeProvider clock, Validation v)
    {
        var cal = calendar.Current;
        DateOnly first;
        if (string.IsNullOrWhiteSpace(month))
        {
            var today = cal.LocalDate(clock.GetUtcNow());
            first = new DateOnly(today.Year, today.Month, 1);
        }
        else if (DateOnly.TryParseExact(month.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) first = parsed;
        else
        {
            v.Add("month", $"'month' is yyyy-MM, not '{Validation.Clip(month)}'.");
            return null;
        }
        return (cal.StartOfDay(first), cal.StartOfDay(first.AddMonths(1)), first.ToString("yyyy-MM", CultureInfo.InvariantCulture));
    }

    private static async Task<IResult> Monthly(string? month, string? community, string? format, ClaimsPrincipal user, GridGovDb db, CalendarProvider calendar,
        TimeProvider clock, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var v = new Validation();
        var period = Month(month, calendar, clock, v);
        var kind = format?.Trim().ToLowerInvariant() ?? "json";
        if (kind is not ("json" or "csv" or "html")) v.Add("format", $"'format' is json (default), csv or html (printable), not '{Validation.Clip(format!)}'.");
        var code = string.IsNullOrWhiteSpace(community) ? null : community.Trim();
        if (code is not null && !await db.Grids.AnyAsync(g => g.Code == code && g.Level == GridLevel.Community, ct)) v.Add("community", $"There is no community '{Validation.Clip(code)}'.");
        if (!v.IsValid) return v.Problem();
        if (Scope(actor, code, out var allowed) is { } refused) return refused;
        var (from, to, label) = period!.Value;
        var rows = await db.CommunityOrders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to && o.MemberId != null)
            .Where(o => code == null || o.CommunityCode == code)
            .Where(o => allowed == null || allowed.Contains(o.CommunityCode))
            .GroupBy(o => new { o.CommunityCode, MemberId = o.MemberId!.Value })
            .Select(g => new { g.Key.CommunityCode, g.Key.MemberId, Orders = g.Count(), Average = g.Average(o => (double)o.Score!), Points = g.Sum(o => o.Points ?? 0) })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.MemberId).Distinct().ToArray();
        var members = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        var ranked = rows.GroupBy(r => r.CommunityCode).SelectMany(g =>
        {
            var ordered = g.OrderByDescending(r => r.Points).ThenByDescending(r => r.Orders).ThenBy(r => r.MemberId).ToList();
            // Equal points share a rank (1, 2, 2, 4).
            return ordered.Select((r, i) => new MemberPoints(1 + ordered.Count(o => o.Points > r.Points), r.MemberId, members[r.MemberId].Name,
                members[r.MemberId].Kind, r.CommunityCode, r.Orders, Math.Round(r.Average, 2), r.Points));
        }).OrderBy(m => m.Community).ThenBy(m => m.Rank).ThenBy(m => m.MemberId).ToList();
        var communityName = code is null ? null : await db.Grids.Where(g => g.Code == code).Select(g => g.Name).FirstOrDefaultAsync(ct);
        var result = new MonthlyPoints(label, code, communityName, ranked, ranked.Sum(m => m.Points), ranked.Sum(m => m.Orders));
        return kind switch
        {
            "csv" => CsvExport.Stream(ranked.Select(m => new PointsCsvRow(label, m.Community, m.Rank, m.MemberId, m.Name, JsonNames.Of(m.Kind), m.Orders, m.AverageScore, m.Points)).ToAsyncEnumerable(),
                $"points-{code ?? "all"}-{label}", ct),
            "html" => Results.Content(PrintableReport(result, await db.Grids.AsNoTracking().Where(g => g.Level == GridLevel.Community).ToDictionaryAsync(g => g.Code, g => g.Name, ct)),
                "text/html; charset=utf-8"),
            _ => TypedResults.Ok(result),
        };
    }

    private sealed record PointsCsvRow(string Month, string Community, int Rank, int MemberId, string Member, string Kind, int Orders, double? AverageScore, int Points);

    /// <summary>The monthly points report as a page to print (A4, Chinese headings); every text is HTML-encoded.</summary>
    private static string PrintableReport(MonthlyPoints report, IReadOnlyDictionary<string, string> names)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        string[] kindNames = ["下沉城管队员", "在职党员", "志愿者", "楼栋长"];
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
            .Append(E($"社区积分月报 {report.Month}")).Append("</title><style>")
            .Append("body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:24px}")
            .Append("table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #999;padding:4px 8px;text-align:left}td.n{text-align:right}")
            .Append("@media print{button{display:none}@page{size:A4;margin:15mm}}</style></head><body>")
            .Append("<button onclick=\"print()\">打印 / Print</button>")
            .Append("<h1>").Append(E($"社区“三单”积分月报 · {report.Month}")).Append("</h1>")
            .Append("<p>").Append(E($"合计 {report.TotalOrders} 单，{report.TotalPoints} 分")).Append("</p>");
        foreach (var group in report.Members.GroupBy(m => m.Community))
        {
            html.Append("<h2>").Append(E(names.GetValueOrDefault(group.Key, group.Key))).Append(" (").Append(E(group.Key)).Append(")</h2>")
                .Append("<table><thead><tr><th>名次</th><th>成员</th><th>类别</th><th>完成单数</th><th>平均评分</th><th>积分</th></tr></thead><tbody>");
            foreach (var m in group)
                html.Append("<tr><td class=\"n\">").Append(m.Rank).Append("</td><td>").Append(E(m.Name)).Append("</td><td>").Append(E(kindNames[(int)m.Kind]))
                    .Append("</td><td class=\"n\">").Append(m.Orders).Append("</td><td class=\"n\">").Append(m.AverageScore?.ToString("0.00", CultureInfo.InvariantCulture))
                    .Append("</td><td class=\"n\">").Append(m.Points).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        if (report.Members.Count == 0) html.Append("<p>本月暂无评分的订单。</p>");
        return html.Append("</body></html>").ToString();
    }

    private static async Task<IResult> Communities(string? month, ClaimsPrincipal user, GridGovDb db, CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var v = new Validation();
        var period = Month(month, calendar, clock, v);
        if (!v.IsValid) return v.Problem();
        Scope(actor, null, out var allowed);
        var (from, to, _) = period!.Value;
        var stats = await db.CommunityOrders.AsNoTracking()
            .Where(o => (o.OpenedAt >= from && o.OpenedAt < to) || (o.ScoredAt >= from && o.ScoredAt < to) || o.Status == OrderStatus.Open)
            .Where(o => allowed == null || allowed.Contains(o.CommunityCode))
            .GroupBy(o => o.CommunityCode)
            .Select(g => new
            {
                Code = g.Key,
                Opened = g.Count(o => o.OpenedAt >= from && o.OpenedAt < to),
                Scored = g.Count(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to),
                Escalated = g.Count(o => o.Status == OrderStatus.Escalated && o.OpenedAt >= from && o.OpenedAt < to),
                Open = g.Count(o => o.Status == OrderStatus.Open),
                Points = g.Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to).Sum(o => o.Points ?? 0),
                Members = g.Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to).Select(o => o.MemberId).Distinct().Count(),
                Average = g.Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to).Average(o => (double?)o.Score),
            }).ToListAsync(ct);
        var byCode = stats.ToDictionary(s => s.Code);
        var communities = await db.Grids.AsNoTracking().Where(g => g.Level == GridLevel.Community && (allowed == null || allowed.Contains(g.Code)))
            .OrderBy(g => g.Code).Select(g => new { g.Code, g.Name }).ToListAsync(ct);
        return TypedResults.Ok(communities.Select(c => byCode.TryGetValue(c.Code, out var s)
            ? new CommunityMonth(c.Code, c.Name, s.Opened, s.Scored, s.Escalated, s.Open, s.Points, s.Members, s.Average is { } a ? Math.Round(a, 2) : null)
            : new CommunityMonth(c.Code, c.Name, 0, 0, 0, 0, 0, 0, null)).ToList());
    }
}
