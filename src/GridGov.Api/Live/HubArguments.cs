using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace GridGov.Api.Live;

/// <summary>
/// How the hub's arguments are read in both protocols: camelCase names (matched case-insensitively, as SignalR's JSON
/// protocol does), and never a binding failure for a malformed Subscribe argument, so the hub can say what is wrong.
/// Pure and thread-safe.
/// </summary>
internal static class HubArguments
{
    public const string SubscribeShape = "{ bbox: [minLon, minLat, maxLon, maxLat] }";

    public static SubscribeRequest NotAnObject(string what) =>
        new(null) { Malformed = $"Subscribe needs {SubscribeShape}, not {what}." };

    public static SubscribeRequest BboxNotAnArray(string what) =>
        new(null) { Malformed = $"bbox is {what}, not an array [minLon, minLat, maxLon, maxLat] of four numbers." };

    /// <summary>The bbox array as read: each item a number, or what it was instead.</summary>
    public static SubscribeRequest Bbox(List<(double Value, string? NotANumber)> items)
    {
        for (var i = 0; i < items.Count; i++)
            if (items[i].NotANumber is { } what)
                return new(null) { Malformed = $"bbox[{i}] is {what}, not a number; bbox is [minLon, minLat, maxLon, maxLat]." };
        if (items.Count != 4)
            return new(null) { Malformed = $"bbox has {items.Count} value{(items.Count == 1 ? "" : "s")}; it needs four: [minLon, minLat, maxLon, maxLat]." };
        return new([.. items.Select(v => v.Value)]);
    }

    public static string Quoted(string? s) => s is null ? "null" : $"a string (\"{(s.Length > 40 ? s[..40] + "…" : s)}\")";

    /// <summary>Unix milliseconds as the fix's time (the same range as POST /api/positions takes).</summary>
    public static DateTimeOffset? FromUnixMs(double ms) =>
        double.IsFinite(ms) && ms is > 0 and < 253_402_300_799_999
            ? DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond))
            : null;

    public static DateTimeOffset? FromText(string? s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    public static int? CrewId(double v) => double.IsFinite(v) && v == Math.Floor(v) && v is >= int.MinValue and <= int.MaxValue ? (int)v : null;

    public static bool Is(string name, string key) => string.Equals(name, key, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Subscribe's argument over JSON: anything reads, what is wrong goes to <see cref="SubscribeRequest.Malformed"/>.</summary>
internal sealed class SubscribeRequestJson : JsonConverter<SubscribeRequest>
{
    public override SubscribeRequest? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return HubArguments.NotAnObject(JsonValues.Describe(ref reader));
        var request = new SubscribeRequest(null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (HubArguments.Is(name, "bbox")) request = ReadBbox(ref reader);
            else reader.Skip();
        }
        return request;
    }

    private static SubscribeRequest ReadBbox(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return HubArguments.BboxNotAnArray(JsonValues.Describe(ref reader));
        var items = new List<(double, string?)>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            items.Add(reader.TokenType == JsonTokenType.Number ? (reader.GetDouble(), null) : (0, JsonValues.Describe(ref reader)));
        return HubArguments.Bbox(items);
    }

    public override void Write(Utf8JsonWriter writer, SubscribeRequest value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("bbox");
        JsonSerializer.Serialize(writer, value.Bbox, options);
        writer.WriteEndObject();
    }
}

/// <summary>Subscribe's argument over MessagePack: anything reads, what is wrong goes to <see cref="SubscribeRequest.Malformed"/>.</summary>
internal sealed class SubscribeRequestMessagePack : IMessagePackFormatter<SubscribeRequest?>
{
    public SubscribeRequest? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return null;
        if (reader.NextMessagePackType != MessagePackType.Map) return HubArguments.NotAnObject(MessagePackValues.Describe(ref reader));
        var request = new SubscribeRequest(null);
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            if (MessagePackValues.Key(ref reader) is { } name && HubArguments.Is(name, "bbox")) request = ReadBbox(ref reader);
            else reader.Skip();
        }
        return request;
    }

    private static SubscribeRequest ReadBbox(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Array) return HubArguments.BboxNotAnArray(MessagePackValues.Describe(ref reader));
        var count = reader.ReadArrayHeader();
        var items = new List<(double, string?)>(count);
        for (var i = 0; i < count; i++)
            items.Add(MessagePackValues.IsNumber(ref reader) ? (reader.ReadDouble(), null) : (0, MessagePackValues.Describe(ref reader)));
        return HubArguments.Bbox(items);
    }

    public void Serialize(ref MessagePackWriter writer, SubscribeRequest? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteMapHeader(1);
        writer.Write("bbox");
        options.Resolver.GetFormatterWithVerify<double[]?>().Serialize(ref writer, value.Bbox, options);
    }
}

/// <summary>
/// A reported fix over JSON: camelCase, t as ISO 8601 or Unix milliseconds (as POST /api/positions). An item that is not
/// a fix reads as null, which the ingest rejects as malformed, so the rest of the batch goes on.
/// </summary>
internal sealed class PositionReportJson : JsonConverter<PositionReport>
{
    public override PositionReport? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        int? crewId = null;
        double? lon = null, lat = null, accuracy = null;
        DateTimeOffset? t = null;
        var ok = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var number = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : (double?)null;
            if (HubArguments.Is(name, "crewId")) ok &= (crewId = number is { } c ? HubArguments.CrewId(c) : null) is not null;
            else if (HubArguments.Is(name, "lon")) ok &= (lon = number) is not null;
            else if (HubArguments.Is(name, "lat")) ok &= (lat = number) is not null;
            else if (HubArguments.Is(name, "t"))
                ok &= (t = number is { } ms ? HubArguments.FromUnixMs(ms) : reader.TokenType == JsonTokenType.String ? HubArguments.FromText(reader.GetString()) : null) is not null;
            else if (HubArguments.Is(name, "accuracyM")) ok &= (accuracy = number) is not null || reader.TokenType == JsonTokenType.Null;
            reader.Skip();
        }
        return ok && crewId is { } id && lon is { } x && lat is { } y && t is { } when ? new PositionReport(id, x, y, when, accuracy) : null;
    }

    public override void Write(Utf8JsonWriter writer, PositionReport value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("crewId", value.CrewId);
        writer.WriteNumber("lon", value.Lon);
        writer.WriteNumber("lat", value.Lat);
        writer.WriteString("t", value.T);
        if (value.AccuracyM is { } a) writer.WriteNumber("accuracyM", a);
        else writer.WriteNull("accuracyM");
        writer.WriteEndObject();
    }
}

/// <summary>
/// A reported fix over MessagePack: camelCase, t as a timestamp (a JavaScript Date), an ISO 8601 string or Unix
/// milliseconds. An item that is not a fix reads as null, which the ingest rejects as malformed.
/// </summary>
internal sealed class PositionReportMessagePack : IMessagePackFormatter<PositionReport?>
{
    public PositionReport? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            reader.Skip();
            return null;
        }
        int? crewId = null;
        double? lon = null, lat = null, accuracy = null;
        DateTimeOffset? t = null;
        var ok = true;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var name = MessagePackValues.Key(ref reader);
            if (name is not null && HubArguments.Is(name, "t"))
            {
                ok &= (t = ReadTime(ref reader)) is not null;
                continue;
            }
            var isNil = reader.NextMessagePackType == MessagePackType.Nil;
            double? number = MessagePackValues.IsNumber(ref reader) ? reader.ReadDouble() : null;
            if (number is null) reader.Skip();
            if (name is null) continue;
            if (HubArguments.Is(name, "crewId")) ok &= (crewId = number is { } c ? HubArguments.CrewId(c) : null) is not null;
            else if (HubArguments.Is(name, "lon")) ok &= (lon = number) is not null;
            else if (HubArguments.Is(name, "lat")) ok &= (lat = number) is not null;
            else if (HubArguments.Is(name, "accuracyM")) ok &= (accuracy = number) is not null || isNil;
        }
        return ok && crewId is { } id && lon is { } x && lat is { } y && t is { } when ? new PositionReport(id, x, y, when, accuracy) : null;
    }

    /// <summary>A timestamp, an ISO 8601 string or Unix milliseconds; null (consumed) for anything else.</summary>
    private static DateTimeOffset? ReadTime(ref MessagePackReader reader)
    {
        if (MessagePackValues.IsNumber(ref reader)) return HubArguments.FromUnixMs(reader.ReadDouble());
        if (MessagePackValues.IsTimestamp(ref reader)) return new DateTimeOffset(reader.ReadDateTime());
        if (reader.NextMessagePackType == MessagePackType.String) return HubArguments.FromText(reader.ReadString());
        reader.Skip();
        return null;
    }

    public void Serialize(ref MessagePackWriter writer, PositionReport? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteMapHeader(5);
        writer.Write("crewId");
        writer.Write(value.CrewId);
        writer.Write("lon");
        writer.Write(value.Lon);
        writer.Write("lat");
        writer.Write(value.Lat);
        writer.Write("t");
        writer.Write(value.T.UtcDateTime);
        writer.Write("accuracyM");
        if (value.AccuracyM is { } a) writer.Write(a);
        else writer.WriteNil();
    }
}

/// <summary>What a JSON value is, for a message; consumes it.</summary>
internal static class JsonValues
{
    public static string Describe(ref Utf8JsonReader reader)
    {
        var what = reader.TokenType switch
        {
            JsonTokenType.Null => "null",
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.String => HubArguments.Quoted(reader.GetString()),
            JsonTokenType.Number => "a number",
            JsonTokenType.StartArray => "an array",
            _ => "an object",
        };
        reader.Skip();
        return what;
    }
}

/// <summary>What a MessagePack value is, for a message (consumes it); map keys as strings.</summary>
internal static class MessagePackValues
{
    public static bool IsNumber(ref MessagePackReader reader) => reader.NextMessagePackType is MessagePackType.Integer or MessagePackType.Float;

    public static bool IsTimestamp(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Extension) return false;
        var peek = reader.CreatePeekReader();
        return peek.ReadExtensionFormatHeader().TypeCode == ReservedMessagePackExtensionTypeCode.DateTime;
    }

    /// <summary>A map key as a string, or null (consumed) when it is not one.</summary>
    public static string? Key(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType == MessagePackType.String) return reader.ReadString();
        reader.Skip();
        return null;
    }

    public static string Describe(ref MessagePackReader reader)
    {
        var what = reader.NextMessagePackType switch
        {
            MessagePackType.Nil => "null",
            MessagePackType.Boolean => reader.CreatePeekReader().ReadBoolean() ? "true" : "false",
            MessagePackType.String => HubArguments.Quoted(reader.CreatePeekReader().ReadString()),
            MessagePackType.Integer or MessagePackType.Float => "a number",
            MessagePackType.Array => "an array",
            MessagePackType.Map => "an object",
            MessagePackType.Binary => "binary data",
            _ => IsTimestamp(ref reader) ? "a timestamp" : "an extension value",
        };
        reader.Skip();
        return what;
    }
}
