using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using GridGov.Api.Auth;

namespace GridGov.Api.Platform;

/// <summary>
/// The sort key of the last row a page showed: the list continues after it. <see cref="Sort"/> is the first sort column
/// (a time as UTC ticks, or a number; null sorts last) and <see cref="Id"/> the tie-breaker.
/// </summary>
public readonly record struct PageKey(long? Sort, long Id)
{
    public static PageKey Of(long id) => new(null, id);

    public static PageKey Of(DateTimeOffset? at, long id) => new(at?.UtcTicks, id);

    public DateTimeOffset? SortTime => Sort is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
}

/// <summary>Where a cursor leads: the page number it continues as, and the key of the row it continues after.</summary>
public readonly record struct PageCursor(int Page, PageKey After);

/// <summary>What a cursor turned out to be when it was opened.</summary>
public enum CursorCheck
{
    Valid,
    /// <summary>Not made by this service, changed, or cut short (or made under a signing key since rotated).</summary>
    Forged,
    /// <summary>Genuine, but made for a list with other filters than the request's.</summary>
    OtherFilters,
}

/// <summary>
/// The <c>after=</c> cursors of keyset pages: 64 URL-safe characters carrying the page number, the last row's sort key
/// and a fingerprint of the list's filters, with an HMAC under a key derived from the service's signing key (HKDF, its
/// own purpose). A client cannot forge a position, and a cursor only continues the list it was made for. Nothing is
/// stored, so any instance opens any instance's cursor. Thread-safe (immutable after construction).
/// </summary>
public sealed class PageCursors
{
    private const byte Version = 1;
    private const int BodyBytes = 30;  // version, flags, page, filter fingerprint, sort key, id
    private const int TagBytes = 18;   // 48 bytes in all: 64 base64url characters, no partial group to tamper with
    private const int TokenChars = (BodyBytes + TagBytes) / 3 * 4;

    private readonly byte[] _key;

    public PageCursors(JwtSettings jwt) =>
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, jwt.Key().Key, 32, info: "gridgov list cursor v1"u8.ToArray());

    public string Seal(PageCursor cursor, string filters)
    {
        Span<byte> token = stackalloc byte[BodyBytes + TagBytes];
        token[0] = Version;
        token[1] = cursor.After.Sort is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt32BigEndian(token[2..], cursor.Page);
        Fingerprint(filters, token.Slice(6, 8));
        BinaryPrimitives.WriteInt64BigEndian(token[14..], cursor.After.Sort ?? 0);
        BinaryPrimitives.WriteInt64BigEndian(token[22..], cursor.After.Id);
        Tag(token[..BodyBytes], token[BodyBytes..]);
        return Base64Url.EncodeToString(token);
    }

    public CursorCheck Open(string? text, string filters, out PageCursor cursor)
    {
        cursor = default;
        Span<byte> token = stackalloc byte[BodyBytes + TagBytes];
        if (text is null || text.Length != TokenChars || !TryDecode(text, token)) return CursorCheck.Forged;
        Span<byte> expected = stackalloc byte[TagBytes];
        Tag(token[..BodyBytes], expected);
        // The decoder is lenient (it also reads '+' and '/'): only the exact text this service wrote is its cursor.
        if (!CryptographicOperations.FixedTimeEquals(expected, token[BodyBytes..]) || token[0] != Version || token[1] > 1
            || !string.Equals(Base64Url.EncodeToString(token), text, StringComparison.Ordinal))
            return CursorCheck.Forged;
        Span<byte> fingerprint = stackalloc byte[8];
        Fingerprint(filters, fingerprint);
        if (!fingerprint.SequenceEqual(token.Slice(6, 8))) return CursorCheck.OtherFilters;
        var page = BinaryPrimitives.ReadInt32BigEndian(token[2..]);
        if (page < 2) return CursorCheck.Forged;
        cursor = new PageCursor(page, new PageKey(token[1] == 1 ? BinaryPrimitives.ReadInt64BigEndian(token[14..]) : null,
            BinaryPrimitives.ReadInt64BigEndian(token[22..])));
        return CursorCheck.Valid;
    }

    /// <summary>Base64url into exactly <paramref name="token"/>; false for anything else (the decoder throws on a character outside its alphabet).</summary>
    private static bool TryDecode(string text, Span<byte> token)
    {
        try
        {
            return Base64Url.TryDecodeFromChars(text, token, out var written) && written == token.Length;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void Tag(ReadOnlySpan<byte> body, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, body, mac);
        mac[..tag.Length].CopyTo(tag);
    }

    private static void Fingerprint(string filters, Span<byte> into)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(filters), hash);
        hash[..into.Length].CopyTo(into);
    }
}
