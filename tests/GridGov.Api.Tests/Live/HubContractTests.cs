using System.Reflection;
using System.Text.Json;
using GridGov.Api.Live;
using GridGov.Api.Tests.Incidents;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GridGov.Api.Tests.Live;

/// <summary>The hub's camelCase contract in both protocols, and what it says about arguments it cannot use.</summary>
[Collection(ApiCollection.Name)]
public class HubContractTests(GridGovFactory app)
{
    private static readonly string[] CrossingTheHub =
    [
        nameof(SubscribeRequest), nameof(SubscribeResult), nameof(PositionReport), nameof(PositionsResponse), nameof(PositionResult),
        nameof(PositionMessage), nameof(IncidentMessage), nameof(GeofenceMessage), nameof(OfferMessage), nameof(OfferWithdrawnMessage),
    ];

    [Fact]
    public void Every_type_on_the_hub_carries_the_same_camelCase_names_in_JSON_and_MessagePack()
    {
        var json = app.Services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;
        var messagePack = app.Services.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value.SerializerOptions;
        var types = typeof(LiveHub).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<MessagePackObjectAttribute>() is not null || t.GetCustomAttribute<MessagePackFormatterAttribute>() is not null)
            .ToList();
        Assert.Subset(types.Select(t => t.Name).ToHashSet(), CrossingTheHub.ToHashSet());

        foreach (var type in types)
        {
            var sample = Sample(type);
            var fromJson = Names(JsonDocument.Parse(JsonSerializer.Serialize(sample, type, json)).RootElement, type.Name);
            var fromMessagePack = Names(JsonDocument.Parse(MessagePackSerializer.ConvertToJson(MessagePackSerializer.Serialize(type, sample, messagePack))).RootElement, type.Name);
            Assert.Equal(fromJson, fromMessagePack);
            Assert.All(fromJson, name => Assert.True(char.IsLower(name.Split('.')[^1][0]), $"{name} is not camelCase"));
            var expected = type.GetProperties().Where(p => p.Name != nameof(SubscribeRequest.Malformed) && p.Name != "EqualityContract")
                .Select(p => $"{type.Name}.{JsonNamingPolicy.CamelCase.ConvertName(p.Name)}");
            Assert.Subset(fromJson, expected.ToHashSet());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_malformed_view_is_refused_with_what_is_wrong_with_it(bool messagePack)
    {
        await using var hub = LiveKit.Hub(app, await app.TokenFor("dispatcher"), messagePack);
        await hub.StartAsync();
        async Task<string> Refused(object? argument) =>
            (await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscribeResult>("Subscribe", argument))).Message;

        Assert.Contains("bbox[1] is a string (\"25.9\"), not a number", await Refused(new { bbox = new object[] { 115.3, "25.9", 115.5, 26.0 } }));
        Assert.Contains("bbox[0] is null", await Refused(new { bbox = new object?[] { null, 25.9, 115.5, 26.0 } }));
        Assert.Contains("bbox has 3 values; it needs four", await Refused(new { bbox = new[] { 115.3, 25.9, 115.5 } }));
        Assert.Contains("bbox is null", await Refused(new { bbox = (double[]?)null }));
        Assert.Contains("bbox is a string (\"115.3,25.9,115.5,26\")", await Refused(new { bbox = "115.3,25.9,115.5,26" }));
        Assert.Contains("Subscribe needs { bbox", await Refused(new { view = new[] { 115.3, 25.9, 115.5, 26.0 } }));
        Assert.Contains("not an array", await Refused(new[] { 115.3, 25.9, 115.5, 26.0 }));

        // Names are matched as SignalR's JSON protocol matches them: regardless of case.
        var ok = await hub.InvokeAsync<SubscribeResult>("Subscribe", new { Bbox = new[] { 115.3, 25.9, 115.5, 26.0 } });
        Assert.True(ok.Tiles > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Report_takes_a_fix_time_as_a_timestamp_a_string_or_unix_milliseconds(bool messagePack)
    {
        var crews = (await LiveKit.Crews(app)).Where(c => c.TeamId == 7).ToList();
        var crew = crews[messagePack ? 1 : 0];
        await LiveKit.Reset(app, crew.Id);
        var spot = await Spots.Next(app, teamId: 7);
        await using var hub = LiveKit.Hub(app, await app.TokenFor("admin"), messagePack);
        await hub.StartAsync();

        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());
        object[] fixes =
        [
            new { crewId = crew.Id, lon = spot.Lon, lat = spot.Lat, t = t0.UtcDateTime, accuracyM = 5 }, // MessagePack: a timestamp
            new { crewId = crew.Id, lon = spot.Lon, lat = spot.Lat, t = t0.AddSeconds(1).ToString("O"), accuracyM = (double?)null },
            new { crewId = crew.Id, lon = spot.Lon, lat = spot.Lat, t = t0.AddSeconds(2).ToUnixTimeMilliseconds() },
            new { crewId = crew.Id, lon = spot.Lon, lat = spot.Lat, t = "soon" },
            42,
        ];
        var response = await hub.InvokeAsync<PositionsResponse>("Report", (object)fixes);
        Assert.Equal(["accepted", "accepted", "accepted", "rejected", "rejected"], response.Results.Select(r => r.Status));
        Assert.Equal("malformed", response.Results[3].Reason);
        Assert.Equal(3, response.Accepted);

        await using var cmd = app.DataSource.CreateCommand("SELECT count(*) FROM position_history WHERE crew_id = $1 AND t = $2");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = crew.Id });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = t0.AddSeconds(2).UtcDateTime });
        Assert.Equal(1L, await cmd.ExecuteScalarAsync());
    }

    /// <summary>The names of an object's members (and of objects inside it), prefixed by the type.</summary>
    private static SortedSet<string> Names(JsonElement e, string prefix)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (e.ValueKind == JsonValueKind.Object)
            foreach (var p in e.EnumerateObject())
            {
                names.Add($"{prefix}.{p.Name}");
                names.UnionWith(Names(p.Value, $"{prefix}.{p.Name}"));
            }
        else if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray()) names.UnionWith(Names(item, prefix));
        return names;
    }

    /// <summary>An instance with every member set (no nulls, so no member can hide), built through the widest constructor.</summary>
    private static object Sample(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke([.. ctor.GetParameters().Select(p => Value(p.ParameterType))]);
    }

    private static object Value(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int)) return 7;
        if (type == typeof(long)) return 7L;
        if (type == typeof(double)) return 115.4;
        if (type == typeof(bool)) return true;
        if (type == typeof(string)) return "x";
        if (type == typeof(DateTime)) return DateTime.UtcNow;
        if (type == typeof(DateTimeOffset)) return DateTimeOffset.UtcNow;
        if (type == typeof(double[])) return new[] { 115.3, 25.9, 115.5, 26.0 };
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var item = type.GetGenericArguments()[0];
            var list = Array.CreateInstance(item, 1);
            list.SetValue(Sample(item), 0);
            return list;
        }
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0)!;
        return Sample(type);
    }
}
