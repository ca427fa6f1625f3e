using System.Globalization;
using System.Text.Json;
using GridGov.Geo.Coordinates;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace GridGov.Geo.Files;

/// <summary>
/// GeoJSON boundaries, geometries through NetTopologySuite.IO.GeoJSON4STJ.
/// <para>Reading: an RFC 7946 FeatureCollection (a lone Feature is taken as a collection of one), lon/lat WGS 84 unless
/// a named crs says otherwise. The obsolete 2008 "crs" member is honoured when it names EPSG:4326, 4490, CRS84 or a
/// CGCS2000 Gauss-Krüger code (4491-4554), and refused otherwise. Property values are read as text: strings as they
/// are, numbers as written in the file, objects and arrays as their JSON.</para>
/// <para>Writing: a FeatureCollection with a "name" (as GDAL writes it), rings oriented the RFC 7946 way (exterior
/// counter-clockwise), coordinates in full double precision.</para>
/// Stateless: thread-safe.
/// </summary>
internal static class GeoJsonFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new GeoJsonConverterFactory(NtsGeometryServices.Instance.CreateGeometryFactory(GaussKruger.Cgcs2000Srid), false, GeoJsonConverterFactory.DefaultIdPropertyName, RingOrientationOption.EnforceRfc9746) },
    };

    public static BoundaryRead Read(Stream stream, InputCrs? crs, Action<string>? progress)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new BoundaryFileException($"The file is not valid JSON (line {ex.LineNumber + 1}): {ex.Message.Split(" Path:")[0].TrimEnd('.')}.");
        }
        using (document)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var features = type switch
            {
                "FeatureCollection" when root.TryGetProperty("features", out var f) && f.ValueKind == JsonValueKind.Array => f.EnumerateArray().ToList(),
                "FeatureCollection" => throw new BoundaryFileException("The GeoJSON FeatureCollection has no \"features\" array."),
                "Feature" => [root],
                null => throw new BoundaryFileException("The file is JSON but not GeoJSON: it has no \"type\"; send a FeatureCollection."),
                _ => throw new BoundaryFileException($"The GeoJSON is a {type}, not a FeatureCollection; send the boundaries as a FeatureCollection of Polygon or MultiPolygon features."),
            };
            var declared = root.TryGetProperty("crs", out var crsMember) && crsMember.ValueKind == JsonValueKind.Object ? CrsMember(crsMember) : null;
            var plan = CrsPlan.Resolve(declared ?? PrjCrs.Wgs84, crs, declared is null ? "GeoJSON (RFC 7946)" : "the GeoJSON's \"crs\" member", "");

            var fields = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var read = new List<BoundaryFeature>(features.Count);
            for (var i = 0; i < features.Count; i++)
            {
                var feature = features[i];
                if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var ft) || ft.ValueKind != JsonValueKind.String || ft.GetString() != "Feature")
                    throw new BoundaryFileException($"Feature {i + 1} is not a GeoJSON Feature (it needs \"type\": \"Feature\").");
                var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
                if (feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in properties.EnumerateObject())
                    {
                        if (seen.Add(p.Name)) fields.Add(p.Name);
                        attributes[p.Name] = Text(p.Value);
                    }
                }
                Geometry? geometry = null;
                if (feature.TryGetProperty("geometry", out var g) && g.ValueKind != JsonValueKind.Null)
                {
                    try
                    {
                        geometry = g.Deserialize<Geometry>(Json);
                    }
                    catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
                    {
                        throw new BoundaryFileException($"Feature {i + 1}'s geometry is not valid GeoJSON: {ex.Message.Split(" Path:")[0].TrimEnd('.')}.");
                    }
                }
                read.Add(new BoundaryFeature(i, attributes, plan.Apply(geometry, i)));
                AttributeText.Progress(progress, read.Count, features.Count);
            }
            foreach (var feature in read)
            {
                // Every feature lists every field; one that lacks it has null there.
                var attributes = (Dictionary<string, string?>)feature.Attributes;
                foreach (var field in fields) attributes.TryAdd(field, null);
            }
            AttributeText.Done(progress, read.Count, features.Count);
            return new BoundaryRead(BoundaryFormat.GeoJson, plan.CrsUsed, fields, read);
        }
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => AttributeText.Of(value.GetString()),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    /// <summary>The system an old-style (2008) "crs" member names: {"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}}.</summary>
    private static SourceCrs CrsMember(JsonElement member)
    {
        var name = member.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString() ?? "" : "";
        var upper = name.Trim().ToUpperInvariant();
        if (upper.EndsWith("CRS84", StringComparison.Ordinal) || upper.EndsWith("CRS:84", StringComparison.Ordinal)) return PrjCrs.Wgs84;
        var digits = upper.Contains("EPSG", StringComparison.Ordinal) ? upper[(upper.LastIndexOf(':') + 1)..] : "";
        if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && PrjCrs.FromEpsg(code) is { } known) return known;
        throw new BoundaryFileException(name.Length == 0
            ? "The GeoJSON's \"crs\" member names no coordinate system; drop it (RFC 7946 GeoJSON is WGS 84) or name EPSG:4490."
            : $"The GeoJSON's \"crs\" member names {name}, which this service cannot convert; send RFC 7946 GeoJSON (WGS 84, no \"crs\"), or EPSG:4490 or a CGCS2000 Gauss-Kruger zone (EPSG:4491-4554).");
    }

    public static void Write(Stream output, string layerName, IReadOnlyList<string> fields, IEnumerable<(IReadOnlyDictionary<string, object?> Attributes, Geometry Geometry)> features)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WriteString("name", layerName);
        writer.WriteStartArray("features");
        foreach (var (attributes, geometry) in features)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "Feature");
            writer.WriteStartObject("properties");
            foreach (var field in fields)
            {
                writer.WritePropertyName(field);
                WriteValue(writer, attributes.GetValueOrDefault(field));
            }
            writer.WriteEndObject();
            writer.WritePropertyName("geometry");
            if (geometry is null) writer.WriteNullValue();
            else JsonSerializer.Serialize(writer, geometry, Json);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case sbyte or byte or short or ushort or int or uint or long: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case double or float: writer.WriteNullValue(); break;
            default: writer.WriteStringValue(AttributeText.Of(value)); break;
        }
    }
}
