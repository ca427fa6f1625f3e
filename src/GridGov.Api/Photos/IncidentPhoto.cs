namespace GridGov.Api.Photos;

/// <summary>
/// A photo of a case: the row holds what it is and where its bytes lie; the bytes (a re-encoded JPEG without any
/// metadata, and its thumbnail) live in an <see cref="IPhotoStore"/>, never in the database.
/// </summary>
public sealed class IncidentPhoto
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    /// <summary><c>before</c> (the problem as found) or <c>after</c> (the result of handling).</summary>
    public required string Kind { get; set; }
    public required string ContentType { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    /// <summary>Size of the stored image in bytes.</summary>
    public long Bytes { get; set; }
    /// <summary>SHA-256 of the upload as sent, so a retried upload finds the first instead of adding a second.</summary>
    public required byte[] UploadSha256 { get; set; }
    public required string StorageKey { get; set; }
    public required string ThumbKey { get; set; }
    /// <summary><c>resident</c>, <c>crew</c> or <c>staff</c>.</summary>
    public required string By { get; set; }
    /// <summary>The signed-in uploader's username; null for a resident.</summary>
    public string? Actor { get; set; }
    public int? CrewId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
