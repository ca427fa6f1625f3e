using System.Text.Json.Serialization;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Grids;

/// <summary>RFC 7946 feature collection; geometries are written by NetTopologySuite's GeoJSON converter.</summary>
public sealed record FeatureCollection<TProperties>(IReadOnlyList<Feature<TProperties>> Features)
{
    [JsonPropertyOrder(-1)]
    public string Type => "FeatureCollection";
}

public sealed record Feature<TProperties>(string Id, Geometry Geometry, TProperties Properties)
{
    [JsonPropertyOrder(-1)]
    public string Type => "Feature";
}
