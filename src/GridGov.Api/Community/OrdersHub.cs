using System.Collections.Concurrent;
using GridGov.Api.Auth;
using GridGov.Api.Incidents;
using GridGov.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace GridGov.Api.Community;

/// <summary>
/// /hubs/orders: members and community workers hear of their communities' orders. <c>orderOpened</c> carries a new
/// order (to the workers and the members who are available); <c>orderChanged</c> every later step (taken, done, scored,
/// escalated) to all of the community, so a taken order leaves the other members' lists at once. Push only; the API
/// does the work.
/// </summary>
[Authorize(Policy = Policies.Orders)]
public sealed class OrdersHub(GridGovDb db, MemberConnections members) : Hub
{
    public const string Opened = "orderOpened", Changed = "orderChanged";
    public const string AllGroup = "orders:all";

    /// <summary>Everyone of the community: every step of its orders.</summary>
    public static string Group(string community) => $"community:{community}";

    /// <summary>Those told of new orders: the workers and the members available now.</summary>
    public static string NewGroup(string community) => $"community:{community}:new";

    public override async Task OnConnectedAsync()
    {
        var actor = await CommunityActors.OfAsync(Context.User!, db, Context.ConnectionAborted);
        var available = actor.MemberId is not { } member
            || await db.Members.AsNoTracking().Where(m => m.Id == member).Select(m => m.Available).FirstOrDefaultAsync(Context.ConnectionAborted);
        foreach (var community in actor.Communities)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, Group(community));
            if (available || actor.Is(Roles.Community)) await Groups.AddToGroupAsync(Context.ConnectionId, NewGroup(community));
        }
        if (actor.Is(Roles.Admin)) await Groups.AddToGroupAsync(Context.ConnectionId, AllGroup);
        if (actor.MemberId is { } id && !actor.Is(Roles.Community)) members.Add(id, Context.ConnectionId, actor.Communities);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (IncidentsApi.ActorOf(Context.User!).MemberId is { } id) members.Remove(id, Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>A member's open connections on this node, so a change of availability moves them in or out of the new-order groups at once.</summary>
public sealed class MemberConnections(IHubContext<OrdersHub> hub)
{
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, IReadOnlyCollection<string>>> _byMember = new();

    public void Add(int member, string connectionId, IReadOnlyCollection<string> communities) =>
        _byMember.GetOrAdd(member, _ => new())[connectionId] = communities;

    public void Remove(int member, string connectionId)
    {
        if (_byMember.TryGetValue(member, out var connections)) connections.TryRemove(connectionId, out _);
    }

    public async Task AvailabilityChangedAsync(int member, bool available)
    {
        if (!_byMember.TryGetValue(member, out var connections)) return;
        foreach (var (connection, communities) in connections)
            foreach (var community in communities)
            {
                if (available) await hub.Groups.AddToGroupAsync(connection, OrdersHub.NewGroup(community));
                else await hub.Groups.RemoveFromGroupAsync(connection, OrdersHub.NewGroup(community));
            }
    }
}

/// <summary>Tells a community's members and workers (and admins) of its orders, after each commit.</summary>
public sealed class OrderNotifier(IHubContext<OrdersHub> hub)
{
    public Task OpenedAsync(OrderView order) =>
        hub.Clients.Groups(OrdersHub.NewGroup(order.Community), OrdersHub.AllGroup).SendAsync(OrdersHub.Opened, order);

    public Task ChangedAsync(OrderView order) =>
        hub.Clients.Groups(OrdersHub.Group(order.Community), OrdersHub.AllGroup).SendAsync(OrdersHub.Changed, order);
}
