using System.Globalization;
using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;

namespace GridGov.Api.Community;

public sealed record OrderDoneRequest(string? Note);
public sealed record OrderScoreRequest(int? Score, string? Note);

/// <summary>The three orders (三单): order a case to a pool, list, take, done, score.</summary>
public static class OrdersApi
{
    private static readonly Dictionary<string, OrderStatus> Statuses =
        Enum.GetValues<OrderStatus>().ToDictionary(s => JsonNames.Of(s), StringComparer.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/incidents/{id:long}/order", Open).RequireAuthorization(Policies.Community).WithTags("Community orders")
            .WithSummary("社区派单: open the case to a community's member pool { community?, to?: pool|team, takeWithinMinutes?, note? }; to=team hands it to the grid team instead (enforcement work). The community defaults to the one the case lies in.");
        var group = app.MapGroup("/api/orders").WithTags("Community orders").RequireAuthorization(Policies.Orders);
        group.MapGet("/", List).WithSummary("Orders of your communities: status (comma list of open, taken, done, scored, escalated, withdrawn; or active, all), community, mine=true, lon/lat (nearest first), limit. A member sees the open ones and their own.");
        group.MapGet("/{id:long}", Get).WithSummary("One order.");
        group.MapPost("/{id:long}/take", Take).WithSummary("接单: the first member to take an open order gets it (200); everyone after gets 409 saying who took it and when.");
        group.MapPost("/{id:long}/done", Done).WithSummary("The taker reports the order done { note }, after adding an 'after' photo to the case.");
        group.MapPost("/{id:long}/score", Score).WithSummary("The community worker confirms a done order and scores it { score: 1-5, note? }: the case is verified and closed, the member's points counted.");
        app.MapHub<OrdersHub>("/hubs/orders", o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }

    private static async Task<IResult> Open(long id, OpenOrderRequest? body, ClaimsPrincipal user, GridGovDb db, OrderDesk desk, Photos.PhotoSettings photos, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var v = new Validation();
        var (result, detail) = await desk.OpenAsync(id, body ?? new OpenOrderRequest(null, null, null, null), actor, v, photos, ct);
        if (!v.IsValid) return v.Problem();
        if (result.Problem is not null) return result.Problem;
        if (detail is not null) return TypedResults.Ok(detail);
        return result.Created ? TypedResults.Created($"/api/orders/{result.Order!.Id}", result.Order) : TypedResults.Ok(result.Order);
    }

    private static async Task<IResult> List(string? status, string? community, bool? mine, string? lon, string? lat, int? limit, ClaimsPrincipal user,
        GridGovDb db, OrderDesk desk, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var v = new Validation();
        var statuses = ParseStatuses(status, v);
        if (mine is true && actor.MemberId is null) v.Add("mine", "'mine=true' lists a member's own orders; this user is not a member.");
        (double, double)? near = null;
        if (lon is not null || lat is not null)
        {
            var x = v.Degrees("lon", lon, 180);
            var y = v.Degrees("lat", lat, 90);
            if (x is { } a && y is { } b) near = (a, b);
        }
        if (limit is { } n && (n < 1 || n > 500)) v.Add("limit", "'limit' is 1 to 500.");
        var code = string.IsNullOrWhiteSpace(community) ? null : community.Trim();
        if (code is not null && !actor.Is(Roles.Admin) && actor.InCommunityOnly && !actor.Communities.Contains(code))
            return OrderDesk.Problem(403, "Another community", $"You {(actor.Is(Roles.Member) ? "are a member of" : "serve")} {actor.CommunitiesText}, not {Validation.Clip(code)}.");
        if (!v.IsValid) return v.Problem();
        return TypedResults.Ok(await desk.ListAsync(actor, statuses, code, mine is true, near, limit ?? 100, ct));
    }

    internal static List<OrderStatus>? ParseStatuses(string? raw, Validation v)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var list = new List<OrderStatus>();
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("active", StringComparison.OrdinalIgnoreCase)) list.AddRange(OrderBook.Active);
            else if (part.Equals("all", StringComparison.OrdinalIgnoreCase)) list.AddRange(Enum.GetValues<OrderStatus>());
            else if (Statuses.TryGetValue(part, out var s)) list.Add(s);
            else v.Add("status", $"Unknown order status '{Validation.Clip(part)}'; use active, all or any of: {string.Join(", ", Statuses.Keys)}.");
        }
        return list;
    }

    private static async Task<IResult> Get(long id, ClaimsPrincipal user, GridGovDb db, OrderDesk desk, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        if (await desk.OrderForAsync(id, actor, ct) is { Problem: { } refused }) return refused;
        var view = await desk.ViewAsync(id, actor, null, ct);
        // A member sees an order while it is open to take, and the ones they took.
        if (view is null || (actor.InCommunityOnly && !actor.Is(Roles.Community) && view.Status != OrderStatus.Open && view.MemberId != actor.MemberId))
            return OrderDesk.Problem(403, "Another member's order", $"Order {id} was taken by another member.");
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> Take(long id, ClaimsPrincipal user, GridGovDb db, OrderDesk desk, CancellationToken ct)
    {
        if (!user.IsInRole(Roles.Member))
            return OrderDesk.Problem(403, "Members take orders", "Only a member of the community's pool takes an order (role member).");
        var result = await desk.TakeAsync(id, user, ct);
        return result.Problem ?? TypedResults.Ok(result.Order);
    }

    private static async Task<IResult> Done(long id, OrderDoneRequest? body, ClaimsPrincipal user, GridGovDb db, OrderDesk desk, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var result = await desk.DoneAsync(id, body?.Note, actor, ct);
        return result.Problem ?? TypedResults.Ok(result.Order);
    }

    private static async Task<IResult> Score(long id, OrderScoreRequest? body, ClaimsPrincipal user, GridGovDb db, OrderDesk desk, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        if (!actor.Is(Roles.Community) && !actor.Is(Roles.Admin))
            return OrderDesk.Problem(403, "The community scores", "The community worker who serves the order's community scores it (role community).");
        var result = await desk.ScoreAsync(id, body?.Score, body?.Note, actor, ct);
        return result.Problem ?? TypedResults.Ok(result.Order);
    }
}
