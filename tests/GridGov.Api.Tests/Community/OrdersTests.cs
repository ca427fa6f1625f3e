using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Community;
using GridGov.Api.Tests.Incidents;
using GridGov.Api.Tests.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Community;

/// <summary>The three orders as a flow on the case: order, take (first come), done with a photo, score; escalation; who may do what.</summary>
[Collection(ApiCollection.Name)]
public class OrdersTests(GridGovFactory app)
{
    [Fact]
    public async Task Two_members_take_the_same_order_at_once_and_exactly_one_wins_the_other_is_told_who()
    {
        var id = await OrderKit.Request(app);
        var order = await OrderKit.Order(app, id);
        Assert.Equal("open", order.GetProperty("status").GetString());
        var orderId = order.GetProperty("id").GetInt64();

        using var a = await app.ClientFor("member");
        using var b = await app.ClientFor("member2");
        var answers = await Task.WhenAll(a.PostAsync($"/api/orders/{orderId}/take", null), b.PostAsync($"/api/orders/{orderId}/take", null));
        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Conflict);
        var winner = await answers.Single(r => r.StatusCode == HttpStatusCode.OK).Json(HttpStatusCode.OK);
        Assert.Equal("taken", winner.GetProperty("status").GetString());
        // The other is told: who and when if the first take had gone through, else that it is being taken this moment.
        var problem = (await loser.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.True(problem.Contains($"was taken by {winner.GetProperty("memberName").GetString()} at ") || problem.Contains("is being taken by someone else"), problem);

        // A third who comes later is told the same; the winner's retry answers 200 and changes nothing.
        using var c = await app.ClientFor("member3");
        await ProblemAssert.IsProblem(await c.PostAsync($"/api/orders/{orderId}/take", null), HttpStatusCode.Conflict, "was taken by");
        var who = winner.GetProperty("memberName").GetString() == (await MemberName("member")) ? a : b;
        Assert.Equal(winner.GetProperty("takenAt").GetDateTimeOffset(), (await (await who.PostAsync($"/api/orders/{orderId}/take", null)).Json(HttpStatusCode.OK)).GetProperty("takenAt").GetDateTimeOffset());

        // The case is accepted, by the member, and the grid team's crews leave it to them.
        using var dispatcher = await app.ClientFor("dispatcher");
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("accepted", detail.GetProperty("status").GetString());
        Assert.Equal(["report", "order", "take"], await OrderKit.History(app, id));
        Assert.Equal(1, (await OrderKit.History(app, id)).Count(h => h == "take"));
    }

    [Fact]
    public async Task A_hundred_takers_at_once_leave_one_take_in_the_history()
    {
        var id = await OrderKit.Request(app, "06001");
        var orderId = (await OrderKit.Order(app, id)).GetProperty("id").GetInt64();
        var clients = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => app.ClientFor(new[] { "member", "member2", "member3" }[i % 3])));
        var answers = await Task.WhenAll(clients.Select(c => c.PostAsync($"/api/orders/{orderId}/take", null)));
        // The winner's own retries answer 200 (the order is theirs); everyone else 409.
        Assert.All(answers, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Equal(1, (await OrderKit.History(app, id)).Count(h => h == "take"));
        var winners = answers.Zip(clients).Where(p => p.First.StatusCode == HttpStatusCode.OK).Select(p => p.Second.DefaultRequestHeaders.Authorization!.Parameter).Distinct().Count();
        Assert.Equal(1, winners);
        foreach (var c in clients) c.Dispose();
    }

    private async Task<string> MemberName(string username)
    {
        using var client = await app.ClientFor(username);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        var memberId = me.GetProperty("memberId").GetInt32();
        using var worker = await app.ClientFor("community");
        return (await worker.GetFromJsonAsync<JsonElement>("/api/members")).EnumerateArray().Single(m => m.GetProperty("id").GetInt32() == memberId).GetProperty("name").GetString()!;
    }

    [Fact]
    public async Task The_whole_loop_ends_struck_off_with_points_by_score_and_category_weight_and_every_step_in_the_history()
    {
        var id = await OrderKit.Request(app, "04003", "小区绿地被踩坏");
        var order = await OrderKit.Order(app, id);
        var orderId = order.GetProperty("id").GetInt64();
        var taken = await OrderKit.Take(app, "member", orderId);
        Assert.True(taken.GetProperty("skillMatch").GetBoolean()); // the demo 'member' registered 04 (landscaping)
        var done = await OrderKit.Done(app, "member", taken);
        Assert.Equal("done", done.GetProperty("status").GetString());
        Assert.Equal("handled", done.GetProperty("caseStatus").GetString());
        var scored = await OrderKit.Score(app, orderId, 4);
        Assert.Equal("scored", scored.GetProperty("status").GetString());
        Assert.Equal("closed", scored.GetProperty("caseStatus").GetString());
        var settings = app.Services.GetRequiredService<OrdersSettings>();
        Assert.Equal((int)Math.Round(4 * settings.PointsPerScore * 1.2, MidpointRounding.AwayFromZero), scored.GetProperty("points").GetInt32());
        Assert.Equal(["report", "order", "take", "photo", "done", "score", "close"], await OrderKit.History(app, id));

        // Retries of done and score change nothing.
        using var worker = await app.ClientFor("community");
        Assert.Equal(scored.GetProperty("scoredAt").GetDateTimeOffset(),
            (await (await worker.PostAsJsonAsync($"/api/orders/{orderId}/score", new { score = 4 })).Json(HttpStatusCode.OK)).GetProperty("scoredAt").GetDateTimeOffset());
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/orders/{orderId}/score", new { score = 2 }), HttpStatusCode.Conflict, "scored");

        // The taker still sees the case they did; the crew of the grid team never held it.
        using var member = await app.ClientFor("member");
        var detail = await member.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("closed", detail.GetProperty("status").GetString());
        Assert.False(detail.TryGetProperty("handlerCrewId", out _));
    }

    [Fact]
    public async Task An_untaken_order_escalates_to_the_grid_team_whose_crew_then_takes_it()
    {
        var id = await OrderKit.Request(app, "06003");
        var order = await OrderKit.Order(app, id, takeWithinMinutes: 5);
        var orderId = order.GetProperty("id").GetInt64();
        Assert.Equal(order.GetProperty("openedAt").GetDateTimeOffset().AddMinutes(5), order.GetProperty("escalateAt").GetDateTimeOffset());

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var desk = scope.ServiceProvider.GetRequiredService<OrderDesk>();
            // Not yet at four minutes; at six it goes.
            await desk.EscalateDueAsync(CancellationToken.None, DateTimeOffset.UtcNow.AddMinutes(4));
            using var c = await app.ClientFor("community");
            Assert.Equal("open", (await c.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}")).GetProperty("status").GetString());
            Assert.True(await desk.EscalateDueAsync(CancellationToken.None, DateTimeOffset.UtcNow.AddMinutes(6)) >= 1);
        }
        using var worker = await app.ClientFor("community");
        Assert.Equal("escalated", (await worker.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}")).GetProperty("status").GetString());
        Assert.Equal(["report", "order", "unclaimed"], await OrderKit.History(app, id));
        using var dispatcher = await app.ClientFor("dispatcher");
        var notices = await dispatcher.GetFromJsonAsync<JsonElement>("/api/notices");
        Assert.Contains(notices.EnumerateArray(), n => n.TryGetProperty("incidentId", out var i) && i.GetInt64() == id && n.GetProperty("kind").GetString() == "escalation");

        // No member can take it now; the grid team's crew can.
        using var member = await app.ClientFor("member");
        await ProblemAssert.IsProblem(await member.PostAsync($"/api/orders/{orderId}/take", null), HttpStatusCode.Conflict, "escalated");
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("dispatched", detail.GetProperty("status").GetString());
        // The dispatcher may offer it to the team's crews again (whether a crew is free is the ranker's matter).
        Assert.DoesNotContain("member pool", await (await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { })).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_member_of_another_community_cannot_see_or_take_the_order()
    {
        var home = await OrderKit.Home(app);
        using var admin = await app.ClientFor("admin");
        var other = (await admin.GetFromJsonAsync<JsonElement>("/api/grids?level=community")).GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).First(c => c != home);
        var stranger = await (await admin.PostAsJsonAsync("/api/members", new { name = "外社区志愿者", kind = "volunteer", skills = new[] { "06" }, communities = new[] { other } })).Json(HttpStatusCode.Created);
        var username = $"outsider{Guid.NewGuid():N}"[..20];
        await (await admin.PostAsJsonAsync("/api/users", new { username, password = "outside-1234", roles = new[] { "member" }, memberId = stranger.GetProperty("id").GetInt32() })).Json(HttpStatusCode.Created);
        using var outsider = await GridGovFactory.SignIn(app, username, "outside-1234");

        var id = await OrderKit.Request(app, "06007");
        var orderId = (await OrderKit.Order(app, id)).GetProperty("id").GetInt64();
        await ProblemAssert.IsProblem(await outsider.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.Forbidden, home);
        await ProblemAssert.IsProblem(await outsider.PostAsync($"/api/orders/{orderId}/take", null), HttpStatusCode.Forbidden, home);
        Assert.DoesNotContain((await outsider.GetFromJsonAsync<JsonElement>("/api/orders?status=open")).EnumerateArray(), o => o.GetProperty("id").GetInt64() == orderId);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/incidents/{id}")).StatusCode);
        await ProblemAssert.IsProblem(await outsider.GetAsync($"/api/orders?community={home}"), HttpStatusCode.Forbidden);
        // A member of the home pool sees it, and sees no staff list of all cases.
        using var member = await app.ClientFor("member");
        Assert.Contains((await member.GetFromJsonAsync<JsonElement>("/api/orders?status=open")).EnumerateArray(), o => o.GetProperty("id").GetInt64() == orderId);
        var cases = await member.GetFromJsonAsync<JsonElement>("/api/incidents?pageSize=1000");
        Assert.All(cases.GetProperty("items").EnumerateArray(), c => Assert.Equal(JsonValueKind.Number, c.GetProperty("id").ValueKind));
        Assert.DoesNotContain(cases.GetProperty("items").EnumerateArray(), c => c.GetProperty("source").GetString() == "hotline");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/lists/problems")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/crews")).StatusCode);
    }

    [Fact]
    public async Task A_community_worker_acts_only_for_the_communities_they_serve()
    {
        var home = await OrderKit.Home(app);
        using var admin = await app.ClientFor("admin");
        var other = (await admin.GetFromJsonAsync<JsonElement>("/api/grids?level=community")).GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).First(c => c != home);
        var spot = await OrderKit.SpotIn(app, other);
        using var dispatcher = await app.ClientFor("dispatcher");
        var elsewhere = await dispatcher.NewIncident("06002", "hotline", spot);
        using var worker = await app.ClientFor("community");
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/incidents/{elsewhere}/order", new { }), HttpStatusCode.Forbidden, other);
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/incidents/{elsewhere}/order", new { community = home }), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.GetAsync($"/api/incidents/{elsewhere}")).StatusCode);
        // A community worker reports only as the community (or a door-knocking visit), and never drives the crews' transitions.
        await ProblemAssert.IsProblem(await worker.Report("06002", "hotline", spot), HttpStatusCode.Forbidden, "source 'community'");
        var mine = await OrderKit.Request(app, "06008");
        Assert.Equal(HttpStatusCode.Forbidden, (await worker.Act(mine, "register")).StatusCode);

        // Enforcement work goes to the grid team instead of the pool.
        var vendor = await OrderKit.Request(app, "09001", "楼下游商占道");
        var handed = await (await worker.PostAsJsonAsync($"/api/incidents/{vendor}/order", new { to = "team" })).Json(HttpStatusCode.OK);
        Assert.Equal("dispatched", handed.GetProperty("status").GetString());
        Assert.Equal(["report", "dispatch"], await OrderKit.History(app, vendor));
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/incidents/{vendor}/order", new { to = "crews" }), HttpStatusCode.BadRequest, "'to'");
    }

    [Fact]
    public async Task Bad_steps_get_clear_answers_and_change_nothing()
    {
        var id = await OrderKit.Request(app, "06010");
        var order = await OrderKit.Order(app, id);
        var orderId = order.GetProperty("id").GetInt64();
        using var worker = await app.ClientFor("community");
        using var member = await app.ClientFor("member3");
        using var other = await app.ClientFor("member2");

        // Ordering twice is a retry (the same order); the workflow refuses a second pool.
        Assert.Equal(orderId, (await (await worker.PostAsJsonAsync($"/api/incidents/{id}/order", new { })).Json(HttpStatusCode.OK)).GetProperty("id").GetInt64());
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/orders/{orderId}/score", new { score = 4 }), HttpStatusCode.Conflict, "done");
        await ProblemAssert.IsProblem(await member.PostAsJsonAsync($"/api/orders/{orderId}/done", new { note = "x" }), HttpStatusCode.Forbidden, "take it first");
        await ProblemAssert.IsProblem(await worker.PostAsync($"/api/orders/{orderId}/take", null), HttpStatusCode.Forbidden, "member");
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/incidents/{id}/order", new { takeWithinMinutes = 2 }), HttpStatusCode.BadRequest, "takeWithinMinutes");
        await ProblemAssert.IsProblem(await worker.GetAsync("/api/orders?status=pending"), HttpStatusCode.BadRequest, "pending");
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync("/api/orders/999999999/score", new { score = 3 }), HttpStatusCode.NotFound);

        // While the pool holds it, the dispatch center cannot offer it to the grid team's crews.
        using var dispatcher = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { }), HttpStatusCode.Conflict, "member pool");
        // member3 registered 06 (city appearance): 06010 matches.
        var taken = await OrderKit.Take(app, "member3", orderId);
        Assert.Equal(JsonValueKind.True, taken.GetProperty("skillMatch").ValueKind);
        await ProblemAssert.IsProblem(await other.PostAsJsonAsync($"/api/orders/{orderId}/done", new { note = "我来" }), HttpStatusCode.Forbidden, "another member");
        await ProblemAssert.IsProblem(await member.PostAsJsonAsync($"/api/orders/{orderId}/done", new { note = "已处理" }), HttpStatusCode.Conflict, "photo");
        await ProblemAssert.IsProblem(await member.PostAsJsonAsync($"/api/orders/{orderId}/done", new { }), HttpStatusCode.Conflict);
        await OrderKit.Done(app, "member3", taken);
        foreach (var bad in new object[] { new { score = 0 }, new { score = 6 }, new { } })
            await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/orders/{orderId}/score", bad), HttpStatusCode.BadRequest, "1 (poor) to 5");
        Assert.Equal("done", (await worker.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}")).GetProperty("status").GetString());
        Assert.Equal(["report", "order", "take", "photo", "done"], await OrderKit.History(app, id));
    }

    [Fact]
    public async Task A_member_without_the_skill_may_take_the_order_and_the_community_sees_the_flag()
    {
        // The demo's member3 is a volunteer registered for 06 only; a street-tree matter (04002) is outside it.
        var id = await OrderKit.Request(app, "04002", "窗前行道树枝叶过密");
        var orderId = (await OrderKit.Order(app, id)).GetProperty("id").GetInt64();
        using var member = await app.ClientFor("member3");
        var open = (await member.GetFromJsonAsync<JsonElement>("/api/orders?status=open")).EnumerateArray().Single(o => o.GetProperty("id").GetInt64() == orderId);
        Assert.False(open.GetProperty("skillMatch").GetBoolean());
        var taken = await OrderKit.Take(app, "member3", orderId);
        Assert.False(taken.GetProperty("skillMatch").GetBoolean());
        using var dispatcher = await app.ClientFor("dispatcher");
        var take = (await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).GetProperty("history").EnumerateArray().Single(h => h.GetProperty("action").GetString() == "take");
        Assert.Contains("未登记此类技能", take.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Members_hear_of_a_new_order_and_of_its_taking_over_the_hub()
    {
        var a = LiveKit.Hub(app, await app.TokenFor("member"), messagePack: false, "/hubs/orders");
        var b = LiveKit.Hub(app, await app.TokenFor("member2"), messagePack: false, "/hubs/orders");
        var opened = new List<long>();
        var changed = new List<(long Id, string Status)>();
        a.On<JsonElement>("orderOpened", o => { lock (opened) opened.Add(o.GetProperty("id").GetInt64()); });
        b.On<JsonElement>("orderChanged", o => { lock (changed) changed.Add((o.GetProperty("id").GetInt64(), o.GetProperty("status").GetString()!)); });
        await a.StartAsync();
        await b.StartAsync();
        try
        {
            var id = await OrderKit.Request(app, "06004");
            var orderId = (await OrderKit.Order(app, id)).GetProperty("id").GetInt64();
            await LiveKit.Eventually(() => Task.FromResult(Contains(opened, orderId)), "member hears of the new order");
            await OrderKit.Take(app, "member", orderId);
            await LiveKit.Eventually(() => Task.FromResult(Contains(changed, (orderId, "taken"))), "member2 hears the order was taken");

            // Unavailable, the member is not pushed new orders (still told of changes); available again, they are.
            using var first = await app.ClientFor("member");
            (await first.PostAsJsonAsync("/api/members/me/availability", new { available = false })).EnsureSuccessStatusCode();
            var quiet = (await OrderKit.Order(app, await OrderKit.Request(app, "06012"))).GetProperty("id").GetInt64();
            (await first.PostAsJsonAsync("/api/members/me/availability", new { available = true })).EnsureSuccessStatusCode();
            var loud = (await OrderKit.Order(app, await OrderKit.Request(app, "06009"))).GetProperty("id").GetInt64();
            await LiveKit.Eventually(() => Task.FromResult(Contains(opened, loud)), "member hears of the order opened once available again");
            Assert.False(Contains(opened, quiet));
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
        // Staff outside the community side cannot open this hub.
        var crew = LiveKit.Hub(app, await app.TokenFor("crew"), messagePack: false, "/hubs/orders");
        await Assert.ThrowsAnyAsync<Exception>(() => crew.StartAsync());
        await crew.DisposeAsync();
    }

    private static bool Contains<T>(List<T> list, T item)
    {
        lock (list) return list.Contains(item);
    }
}
