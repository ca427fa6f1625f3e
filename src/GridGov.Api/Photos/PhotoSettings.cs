namespace GridGov.Api.Photos;

/// <summary>Configuration section <c>Photos</c>.</summary>
public sealed class PhotoSettings
{
    /// <summary>Where the file store keeps the images; empty means <c>data/photos</c> under the content root.</summary>
    public string Directory { get; set; } = "";
    /// <summary>Largest upload accepted, in bytes (the contract's 10 MB).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
    /// <summary>Largest image accepted, in pixels (a 50-megapixel camera; more is a decompression bomb, not a photo).</summary>
    public long MaxPixels { get; set; } = 50_000_000;
    /// <summary>The stored image's longest side; a larger photo is scaled down (a phone's 12 MP shot becomes ~4 MP).</summary>
    public int MaxSide { get; set; } = 2560;
    public int ThumbSide { get; set; } = 320;
    public int JpegQuality { get; set; } = 82;
    public int ThumbQuality { get; set; } = 72;
    /// <summary>Photos per case, all kinds together.</summary>
    public int MaxPerCase { get; set; } = 20;
    /// <summary>Photos a resident may add to their own case through the tracking token.</summary>
    public int MaxPerResident { get; set; } = 6;
    /// <summary>
    /// Categories whose <c>handle</c> needs an "after" photo first: 5-digit category codes or 2-digit majors
    /// (e.g. ["01", "06002"]). Empty: handling never needs one.
    /// </summary>
    public List<string> AfterPhotoRequired { get; set; } = [];

    public bool RequiresAfterPhoto(string categoryCode) =>
        AfterPhotoRequired.Any(c => c == categoryCode || (c.Length == 2 && categoryCode.StartsWith(c, StringComparison.Ordinal)));
}
