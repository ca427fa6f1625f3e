using GridGov.Api.Auth;
using GridGov.Api.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace GridGov.Api.Community;

/// <summary>
/// /hubs/orders: members and community workers hear of their communities' orders. <c>orderOpened</c> carries a new
/// order; <c>orderChanged</c> every later step (taken, done, scored, escalated), so a taken order leaves the other
/// members' lists at once. Push only; the API does the work.
/// </summary>
[Authorize(Policy = Policies.Orders)]
public sealed class OrdersHub(GridGovDb db) : Hub
{
    public const string Opened = "orderOpened", Changed = "orderChanged";

    public static string Group(string community) => $"community:{community}";

    public override async Task OnConnectedAsync()
    {
        var actor = await CommunityActors.OfAsync(Context.User!, db, Context.ConnectionAborted);
        foreach (var community in actor.Communities) await Groups.AddToGroupAsync(Context.ConnectionId, Group(community));
        if (actor.Is(Roles.Admin)) await Groups.AddToGroupAsync(Context.ConnectionId, AllGroup);
        await base.OnConnectedAsync();
    }

    public const string AllGroup = "orders:all";
}

/// <summary>Tells a community's members and workers (and admins) of its orders, after each commit.</summary>
public sealed class OrderNotifier(IHubContext<OrdersHub> hub)
{
    public Task OpenedAsync(OrderView order) => SendAsync(OrdersHub.Opened, order);

    public Task ChangedAsync(OrderView order) => SendAsync(OrdersHub.Changed, order);

    private Task SendAsync(string method, OrderView order) =>
        hub.Clients.Groups(OrdersHub.Group(order.Community), OrdersHub.AllGroup).SendAsync(method, order);
}
