using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Bench;

/// <summary>
/// Issue 19's figures: 500 members online across the 12 communities over /hubs/orders (WebSockets, JSON): how long a
/// new order takes to reach every member of its community; and 100 members of one community racing for one order:
/// one winner, and how fast every one of them gets an answer. Baselines in the same run: the order's own POST round
/// trip, and one member taking an order nobody else wants.
/// </summary>
internal static class OrdersBench
{
    private const int Members = 500;
    private const int Racers = 100;
    private const int OrdersPerCommunity = 3;
    private const int Races = 10;

    public static async Task RunAsync()
    {
        var db = BenchHost.Required("GRIDGOV_BENCH_DB");
        Step("starting GridGov on the bench database ...");
        await using var service = await BenchHost.Service.StartAsync(db, "admin", ("Orders:TakeWithinMinutes", "600"));
        var communities = await CommunitiesAsync(service.DataSource);
        Step($"adding {Members} bench members over {communities.Count} communities ({Racers} in {communities[0]}), with sign-ins ...");
        var members = await EnsureMembersAsync(service, communities);

        Step($"connecting {members.Count} members to /hubs/orders (WebSockets, JSON) ...");
        var opened = new ConcurrentDictionary<long, ConcurrentBag<long>>();
        var changedAt = new ConcurrentDictionary<long, int>();
        var hubs = new List<HubConnection>();
        foreach (var chunk in members.Chunk(50))
        {
            var connected = await Task.WhenAll(chunk.Select(async m =>
            {
                var hub = new HubConnectionBuilder()
                    .WithUrl($"http://127.0.0.1:{service.Port}/hubs/orders", o =>
                    {
                        o.AccessTokenProvider = () => Task.FromResult<string?>(m.Token);
                        o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                    }).Build();
                hub.On<JsonElement>("orderOpened", o => opened.GetOrAdd(o.GetProperty("id").GetInt64(), _ => []).Add(Stopwatch.GetTimestamp()));
                hub.On<JsonElement>("orderChanged", o => changedAt.AddOrUpdate(o.GetProperty("id").GetInt64(), 1, (_, n) => n + 1));
                await hub.StartAsync();
                return hub;
            }));
            hubs.AddRange(connected);
        }

        try
        {
            Step($"(a) {OrdersPerCommunity} orders in each community, one at a time, each timed to every member of its community ...");
            var spots = await SpotsAsync(service.DataSource, communities, OrdersPerCommunity * communities.Count + Races + 10);
            var latencies = new List<double>();
            var posts = new List<double>();
            var missing = 0;
            var k = 0;
            // Warm-up, not counted: the first orders pay for compiling the queries and the hub's first sends.
            for (var w = 0; w < 3; w++) await OrderAsync(service.Client, await NewCaseAsync(service.Client, spots[k++]), communities[1]);
            for (var round = 0; round < OrdersPerCommunity; round++)
                foreach (var community in communities)
                {
                    var incident = await NewCaseAsync(service.Client, spots[k++]);
                    var sent = Stopwatch.GetTimestamp();
                    var order = await OrderAsync(service.Client, incident, community);
                    posts.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    var expected = members.Count(m => m.Community == community);
                    var until = DateTime.UtcNow.AddSeconds(5);
                    while ((opened.TryGetValue(order, out var got) ? got.Count : 0) < expected && DateTime.UtcNow < until) await Task.Delay(5);
                    var arrivals = opened.TryGetValue(order, out var bag) ? bag.ToArray() : [];
                    missing += expected - arrivals.Length;
                    latencies.AddRange(arrivals.Select(t => Stopwatch.GetElapsedTime(sent, t).TotalMilliseconds));
                }
            latencies.Sort();
            posts.Sort();
            Console.WriteLine($"| (a) a new order reaches every member of its community ({Members} online, {communities.Count} communities, {latencies.Count:N0} deliveries) | p50 {P(latencies, 0.5):0.0} ms, p99 {P(latencies, 0.99):0.0} ms, max {latencies.LastOrDefault():0.0} ms; {missing} missed | baseline: the order's POST round trip p50 {P(posts, 0.5):0.0} ms, p99 {P(posts, 0.99):0.0} ms | target p99 < 500 ms: {500 / Math.Max(P(latencies, 0.99), 0.001):0.0}x under |");

            Step($"(b) {Races} races: {Racers} members of {communities[0]} take the same order at once ...");
            var racers = members.Where(m => m.Community == communities[0]).Take(Racers).ToList();
            var clients = racers.Select(m => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{service.Port}/"), DefaultRequestHeaders = { Authorization = new("Bearer", m.Token) } }).ToList();
            // Warm every client's connection first, so the race times the take, not the TCP handshake.
            await Task.WhenAll(clients.Select(c => c.GetAsync("/api/me")));
            var answers = new List<double>();
            var oneWinner = 0;
            for (var race = -1; race < Races; race++)
            {
                var incident = await NewCaseAsync(service.Client, spots[k++]);
                var order = await OrderAsync(service.Client, incident, communities[0]);
                var results = await Task.WhenAll(clients.Select(async c =>
                {
                    await Task.Yield();
                    var start = Stopwatch.GetTimestamp();
                    using var r = await c.PostAsync($"/api/orders/{order}/take", null);
                    return (r.StatusCode, Ms: Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }));
                if (race < 0) continue; // a warm-up race, not counted
                answers.AddRange(results.Select(r => r.Ms));
                if (results.Count(r => r.StatusCode == HttpStatusCode.OK) == 1 && results.Count(r => r.StatusCode == HttpStatusCode.Conflict) == Racers - 1) oneWinner++;
            }
            answers.Sort();

            // Baseline: one member takes an order nobody races for.
            var alone = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var incident = await NewCaseAsync(service.Client, spots[k++]);
                var order = await OrderAsync(service.Client, incident, communities[0]);
                var start = Stopwatch.GetTimestamp();
                using var r = await clients[i].PostAsync($"/api/orders/{order}/take", null);
                r.EnsureSuccessStatusCode();
                alone.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            alone.Sort();
            foreach (var c in clients) c.Dispose();
            Console.WriteLine($"| (b) {Racers} members race for one order, {Races} races ({answers.Count:N0} answers) | exactly one winner and {Racers - 1} told 409 in {oneWinner}/{Races} races; answers p50 {P(answers, 0.5):0.0} ms, p99 {P(answers, 0.99):0.0} ms | baseline: one member taking an order alone, median {P(alone, 0.5):0.0} ms | target p99 < 200 ms: {200 / Math.Max(P(answers, 0.99), 0.001):0.0}x under |");
        }
        finally
        {
            await Task.WhenAll(hubs.Select(h => h.DisposeAsync().AsTask()));
        }
    }

    private sealed record BenchMember(int Id, string Community, string Token);

    private static async Task<List<string>> CommunitiesAsync(NpgsqlDataSource db)
    {
        var list = new List<string>();
        await using var cmd = db.CreateCommand("SELECT code FROM grids WHERE level = 'Community' ORDER BY code");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }

    /// <summary>500 members (100 in the first community, the rest spread evenly) with member users; tokens issued directly.</summary>
    private static async Task<List<BenchMember>> EnsureMembersAsync(BenchHost.Service service, List<string> communities)
    {
        var hash = service.Services.GetRequiredService<IPasswordHasher<User>>().HashPassword(new User { Username = "bench", PasswordHash = "", Roles = [] }, "bench-" + Guid.NewGuid());
        await using (var cmd = service.DataSource.CreateCommand("""
            WITH m AS (
                INSERT INTO members (name, kind, skills, available, created_at, phone)
                SELECT '压测成员' || g, 'Volunteer', ARRAY['06'], true, now(), NULL FROM generate_series(1, $1) g
                WHERE NOT EXISTS (SELECT 1 FROM members WHERE name = '压测成员1')
                RETURNING id, name
            ), n AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM m), c AS (
                INSERT INTO member_communities (member_id, community_code)
                SELECT n.id, CASE WHEN n.i < $2 THEN $3[1] ELSE $3[2 + ((n.i - $2) % (array_length($3, 1) - 1))] END FROM n
            )
            INSERT INTO users (username, password_hash, roles, member_id, created_at, active, token_version, communities)
            SELECT 'bench-member-' || n.id, $4, ARRAY['member'], n.id, now(), true, 0, '{}' FROM n
            """))
        {
            cmd.Parameters.AddWithValue(Members);
            cmd.Parameters.AddWithValue(Racers);
            cmd.Parameters.AddWithValue(communities.ToArray());
            cmd.Parameters.AddWithValue(hash);
            await cmd.ExecuteNonQueryAsync();
        }
        var issuer = service.Services.GetRequiredService<TokenIssuer>();
        var list = new List<BenchMember>();
        await using var read = service.DataSource.CreateCommand("""
            SELECT u.id, u.username, u.member_id, mc.community_code FROM users u JOIN member_communities mc ON mc.member_id = u.member_id
            WHERE u.username LIKE 'bench-member-%' ORDER BY u.member_id
            """);
        await using var r = await read.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var user = new User { Id = r.GetInt32(0), Username = r.GetString(1), PasswordHash = "", Roles = [Roles.Member], MemberId = r.GetInt32(2) };
            list.Add(new BenchMember(r.GetInt32(2), r.GetString(3), issuer.Issue(user).Token));
        }
        return list;
    }

    private static async Task<List<(double Lon, double Lat, string Community)>> SpotsAsync(NpgsqlDataSource db, List<string> communities, int count)
    {
        // Unit grids' inner points, round-robin over the communities, each used once (no duplicates merge).
        var list = new List<(double, double, string)>();
        await using var cmd = db.CreateCommand("""
            SELECT ST_X(p), ST_Y(p), left(u.code, 12) FROM grids u, ST_PointOnSurface(u.geometry) p
            WHERE u.level = 'Unit' ORDER BY row_number() OVER (PARTITION BY left(u.code, 12) ORDER BY u.code DESC), u.code
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add((r.GetDouble(0), r.GetDouble(1), r.GetString(2)));
        return list;
    }

    private static async Task<long> NewCaseAsync(HttpClient admin, (double Lon, double Lat, string Community) spot)
    {
        using var r = await admin.PostAsJsonAsync("/api/incidents", new { category = "06002", source = "community", lon = spot.Lon, lat = spot.Lat, description = "压测：居民来站反映" });
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"intake: {(int)r.StatusCode} {body}");
        return body.GetProperty("id").GetInt64();
    }

    private static async Task<long> OrderAsync(HttpClient admin, long incident, string community)
    {
        using var r = await admin.PostAsJsonAsync($"/api/incidents/{incident}/order", new { community });
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"order: {(int)r.StatusCode} {body}");
        return body.GetProperty("id").GetInt64();
    }

    private static double P(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static void Step(string message) => Console.Error.WriteLine($"[bench orders] {message}");
}
