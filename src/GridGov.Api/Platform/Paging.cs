using Microsoft.AspNetCore.Http.Extensions;

namespace GridGov.Api.Platform;

/// <summary>A page of a list: the rows, how many there are in all, and the link to the next page while there is one.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, string? Next = null);

/// <summary><c>page</c> (from 1) and <c>pageSize</c> of a list request.</summary>
public readonly record struct PageRequest(int Page, int Size)
{
    public int Skip => (Page - 1) * Size;

    /// <summary>Checks page and pageSize (default <paramref name="defaultSize"/>, at most <paramref name="maxSize"/>); errors go to <paramref name="v"/>.</summary>
    public static PageRequest Parse(int? page, int? pageSize, int defaultSize, int maxSize, Validation v)
    {
        var size = pageSize ?? Math.Min(defaultSize, maxSize);
        if (size < 1 || size > maxSize) v.Add("pageSize", $"'pageSize' must be between 1 and {maxSize}.");
        var number = page ?? 1;
        if (number < 1) v.Add("page", "'page' starts at 1.");
        return new PageRequest(number, size);
    }

    public Paged<T> Of<T>(IReadOnlyList<T> items, int total, HttpRequest request) =>
        new(items, total, Page, Size, (long)Page * Size < total ? Link(request, Page + 1) : null);

    /// <summary>The same request (path and filters) for another page, as a relative URL.</summary>
    private string Link(HttpRequest request, int page)
    {
        var query = new QueryBuilder(request.Query
            .Where(q => !q.Key.Equals("page", StringComparison.OrdinalIgnoreCase) && !q.Key.Equals("pageSize", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(value => KeyValuePair.Create(q.Key, value ?? ""))))
        {
            { "page", page.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { "pageSize", Size.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        return (request.PathBase + request.Path).Add(query.ToQueryString());
    }
}
