using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;

namespace GridGov.Api.Platform;

/// <summary>
/// A page of a list: the rows, how many there are in all (<see cref="TotalIsEstimate"/> when that is the planner's
/// estimate, not a count), and while another page follows, its link (<see cref="Next"/>) and cursor (<see cref="After"/>).
/// </summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, string? Next = null, string? After = null,
    bool? TotalIsEstimate = null);

/// <summary>How many rows a list has: counted, or estimated when counting would cost far more than the page.</summary>
public readonly record struct ListTotal(int Count, bool IsEstimate);

/// <summary>
/// <c>after</c> (a cursor from a previous page), <c>page</c> (from 1) and <c>pageSize</c> of a list request. A list is
/// read by keyset: the rows after the cursor's key in the list's order, one more than the page (the extra row only says
/// that another page follows), so a deep page costs what the first does and rows that arrive meanwhile neither shift
/// nor repeat later pages. <c>page=</c> still reads by OFFSET for older clients; <c>next</c> always carries a cursor.
/// </summary>
public sealed class PageRequest
{
    private static readonly string[] PagingKeys = ["page", "pageSize", "after", "format"];

    private readonly string _filters;
    private readonly PageCursors _cursors;

    private PageRequest(int page, int size, PageKey? after, string filters, PageCursors cursors)
    {
        Page = page;
        Size = size;
        After = after;
        _filters = filters;
        _cursors = cursors;
    }

    public int Page { get; }
    public int Size { get; }

    /// <summary>The key of the row this page continues after; null on a first page or one asked for by number.</summary>
    public PageKey? After { get; }

    public int Skip => After is null ? (Page - 1) * Size : 0;

    /// <summary>Rows to read: the page and one more.</summary>
    public int Take => Size + 1;

    /// <summary>
    /// Checks after, page and pageSize (default <paramref name="defaultSize"/>, at most <paramref name="maxSize"/>);
    /// errors go to <paramref name="v"/>. A cursor continues only the list it came from: the same path and filters
    /// (every query parameter but the paging ones and format), and <paramref name="scope"/> for what the filters resolve
    /// to that the query does not say (a default period).
    /// </summary>
    public static PageRequest Parse(HttpRequest request, PageCursors cursors, int? page, int? pageSize, string? after,
        int defaultSize, int maxSize, Validation v, string? scope = null)
    {
        var size = pageSize ?? Math.Min(defaultSize, maxSize);
        if (size < 1 || size > maxSize) v.Add("pageSize", $"'pageSize' must be between 1 and {maxSize}.");
        var filters = Filters(request, scope);
        if (string.IsNullOrWhiteSpace(after))
        {
            var number = page ?? 1;
            if (number < 1) v.Add("page", "'page' starts at 1.");
            return new PageRequest(number, size, null, filters, cursors);
        }
        if (page is not null)
            v.Add("after", "'after' and 'page' do not go together: 'after' continues from a previous page (follow its 'next' link), 'page' counts from the first. Send one of them.");
        switch (cursors.Open(after.Trim(), filters, out var cursor))
        {
            case CursorCheck.Forged:
                v.Add("after", "'after' is not a cursor this service handed out, or it was changed or cut short. Start again from the first page (leave 'after' out) and follow each page's 'next' link as given.");
                break;
            case CursorCheck.OtherFilters:
                v.Add("after", "This 'after' cursor belongs to a list with other filters (or another period); a cursor only continues the list it came from. Start again from the first page with these filters (leave 'after' out).");
                break;
        }
        return new PageRequest(cursor.Page, size, cursor.After, filters, cursors);
    }

    /// <summary>This page's rows of an ordered query (already narrowed to the rows after the cursor): OFFSET only for a page asked for by number.</summary>
    public IQueryable<T> Slice<T>(IQueryable<T> ordered) => Skip > 0 ? ordered.Skip(Skip).Take(Take) : ordered.Take(Take);

    /// <summary>The page of <paramref name="rows"/> (as read, up to <see cref="Take"/>), with the next page's cursor made from <paramref name="keyOf"/> of its last row.</summary>
    public Paged<T> Of<T>(IReadOnlyList<T> rows, Func<T, PageKey> keyOf, ListTotal total, HttpRequest request)
    {
        if (rows.Count <= Size) return new Paged<T>(rows, total.Count, Page, Size, TotalIsEstimate: total.IsEstimate ? true : null);
        var items = rows.Take(Size).ToList();
        var after = _cursors.Seal(new PageCursor(Page + 1, keyOf(items[^1])), _filters);
        return new Paged<T>(items, total.Count, Page, Size, Link(request, after), after, total.IsEstimate ? true : null);
    }

    /// <summary>The same request (path and filters) continued after the cursor, as a relative URL.</summary>
    private string Link(HttpRequest request, string after)
    {
        var query = new QueryBuilder(request.Query
            .Where(q => !IsPaging(q.Key))
            .SelectMany(q => q.Value.Select(value => KeyValuePair.Create(q.Key, value ?? ""))))
        {
            { "pageSize", Size.ToString(CultureInfo.InvariantCulture) },
            { "after", after },
        };
        return (request.PathBase + request.Path).Add(query.ToQueryString());
    }

    private static bool IsPaging(string key) => PagingKeys.Contains(key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The list a request reads, in one string: path, then its filters in a fixed order, then the scope.</summary>
    private static string Filters(HttpRequest request, string? scope) =>
        string.Concat((request.PathBase + request.Path).Value?.ToLowerInvariant(), "?",
            string.Join("&", request.Query.Where(q => !IsPaging(q.Key))
                .Select(q => (Key: q.Key.ToLowerInvariant(), Value: string.Join(",", q.Value.Select(v => v ?? ""))))
                .OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}")),
            "|", scope);
}
