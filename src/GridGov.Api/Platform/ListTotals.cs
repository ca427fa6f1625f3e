using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Platform;

/// <summary>
/// A list's total at a bounded cost: a count that stops after <c>exactUpTo + 1</c> rows, exact below that; above it, the
/// planner's estimate of the same query's rows (EXPLAIN, no rows read), marked as an estimate. A county's year of cases
/// is never counted row by row for a page.
/// </summary>
public static class ListTotals
{
    public static async Task<ListTotal> CountAsync<T>(IQueryable<T> query, DbContext db, int exactUpTo, CancellationToken ct)
    {
        var counted = await query.Take(exactUpTo + 1).CountAsync(ct);
        if (counted <= exactUpTo) return new ListTotal(counted, false);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var explain = query.CreateDbCommand();
            explain.CommandText = "EXPLAIN (FORMAT JSON) " + explain.CommandText;
            var plan = (string?)await explain.ExecuteScalarAsync(ct) ?? "[]";
            using var json = JsonDocument.Parse(plan);
            var rows = json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
            // There are more than exactUpTo rows: an estimate below that is known to be wrong.
            return new ListTotal((int)Math.Clamp(Math.Round(rows), exactUpTo + 1, int.MaxValue), true);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
