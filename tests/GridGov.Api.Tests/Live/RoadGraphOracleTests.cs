using GridGov.Api.Live;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Live;

/// <summary>pgRouting is the oracle: the in-memory road graph's costs agree with pgr_dijkstraCost on the same roads.</summary>
[Collection(ApiCollection.Name)]
public class RoadGraphOracleTests(GridGovFactory app)
{
    [Fact]
    public async Task Road_costs_agree_with_pgr_dijkstraCost_on_the_demo_network()
    {
        var graph = app.Services.GetRequiredService<RoadNetwork>().Graph;
        Assert.NotNull(graph);
        var nodes = new List<long>();
        await using (var cmd = app.DataSource.CreateCommand("SELECT DISTINCT source FROM roads ORDER BY 1"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) nodes.Add(r.GetInt32(0));
        var random = new Random(11);
        var sources = Enumerable.Range(0, 8).Select(_ => nodes[random.Next(nodes.Count)]).Distinct().ToList();
        var targets = Enumerable.Range(0, 40).Select(_ => nodes[random.Next(nodes.Count)]).Distinct().ToList();

        var expected = new Dictionary<(long, long), double>();
        await using (var cmd = app.DataSource.CreateCommand("""
            SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
                'SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM roads', $1::bigint[], $2::bigint[], directed => false)
            """))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = sources.ToArray() });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = targets.ToArray() });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) expected[(r.GetInt64(0), r.GetInt64(1))] = r.GetDouble(2);
        }
        Assert.True(expected.Count > sources.Count * (targets.Count - 2));

        foreach (var s in sources)
        {
            var costs = graph!.NodeCosts([(s, 0)], targets);
            for (var i = 0; i < targets.Count; i++)
            {
                if (targets[i] == s) Assert.Equal(0, costs[i]);
                else if (expected.TryGetValue((s, targets[i]), out var cost)) Assert.Equal(cost, costs[i], 6);
                else Assert.True(double.IsPositiveInfinity(costs[i]), $"{s}→{targets[i]}: pgRouting finds no path, the graph {costs[i]}");
            }
        }
    }

    [Fact]
    public async Task The_graph_is_rebuilt_when_the_roads_change()
    {
        var network = app.Services.GetRequiredService<RoadNetwork>();
        var version = network.Version;
        var edges = network.Graph!.EdgeCount;
        await using (var cmd = app.DataSource.CreateCommand("""
            INSERT INTO roads (id, class, name, geometry, source, target, length_m)
            VALUES (900001, 'alley', NULL, ST_GeomFromText('LINESTRING(116.5 26.5, 116.501 26.5)', 4490), 900001, 900002, 100)
            """))
            await cmd.ExecuteNonQueryAsync();
        await LiveKit.Eventually(() => Task.FromResult(network.Version > version && network.Graph!.EdgeCount == edges + 1), "the rebuilt graph");
        version = network.Version;
        await using (var cmd = app.DataSource.CreateCommand("DELETE FROM roads WHERE id = 900001")) await cmd.ExecuteNonQueryAsync();
        await LiveKit.Eventually(() => Task.FromResult(network.Version > version && network.Graph!.EdgeCount == edges), "the graph without the test road");
    }
}
