using SkiaSharp;

namespace GridGov.Api.Photos;

/// <summary>A photo as stored: a JPEG re-encoded from the decoded pixels (so no metadata of the upload survives) and its thumbnail.</summary>
public sealed record ProcessedPhoto(byte[] Image, int Width, int Height, byte[] Thumb);

/// <summary>Why an upload is not a photo we keep; <see cref="Status"/> is the HTTP status to answer.</summary>
public sealed class PhotoRefused(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

/// <summary>
/// Checks an upload by its content (Skia's codecs read the magic bytes; the file name and the declared type are not
/// trusted), turns it upright by its EXIF orientation, scales it to <see cref="PhotoSettings.MaxSide"/> and encodes a
/// JPEG and a thumbnail from the pixels. Re-encoding drops every EXIF, XMP, ICC and comment segment of the upload:
/// location, camera serials and anything hidden there (a script, a second file) are gone.
/// </summary>
public sealed class PhotoProcessor(PhotoSettings settings)
{
    // Linear filtering for the last small step (the decoder has done the big one); mipmaps only for a thumbnail of an
    // image the codec cannot scale while decoding (PNG).
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.None);
    private static readonly SKSamplingOptions Shrinking = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    public ProcessedPhoto Process(ReadOnlySpan<byte> upload)
    {
        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data)
            ?? throw new PhotoRefused(415, "Not an image", "The file is not an image GridGov can read; send a photo as JPEG, PNG or WebP.");
        var format = codec.EncodedFormat;
        if (format is not (SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp))
            throw new PhotoRefused(415, "Unsupported image type",
                $"The file is a {format.ToString().ToUpperInvariant()} image; send JPEG, PNG or WebP (on an iPhone: Settings → Camera → Formats → Most Compatible).");
        if (codec.FrameCount > 1)
            throw new PhotoRefused(415, "Animated image", "The file is an animation; send a single photo.");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > settings.MaxPixels)
            throw new PhotoRefused(415, "Image too large",
                $"The image is {info.Width}×{info.Height} pixels; at most {settings.MaxPixels / 1_000_000} megapixels are accepted.");

        var origin = codec.EncodedOrigin;
        // The main image: decoded straight to its stored size where the codec can (JPEG scales by eighths while
        // decoding, so a 4000 px photo comes out at 2500 px with no resampling pass), then turned upright. The
        // thumbnail: a JPEG decodes again at its own eighth for next to nothing; others shrink the main image.
        var opaque = format == SKEncodedImageFormat.Jpeg;
        // A JPEG's thumbnail comes from a codec of its own, on another core, while the main image is made.
        var thumbTask = opaque ? Task.Run(() => JpegThumb(data, origin)) : null;
        try
        {
            using var decoded = Decode(codec, settings.MaxSide);
            using var upright = Upright(decoded, origin, settings.MaxSide, opaque);
            var main = upright ?? decoded;
            var image = Encode(main, settings.JpegQuality);
            byte[] thumb;
            if (thumbTask is not null) thumb = thumbTask.GetAwaiter().GetResult();
            else
            {
                // The main image is upright and on white already: only scaled (through mipmaps below half).
                using var small = Upright(main, SKEncodedOrigin.TopLeft, settings.ThumbSide, opaque: true);
                thumb = Encode(small ?? main, settings.ThumbQuality);
            }
            return new ProcessedPhoto(image, main.Width, main.Height, thumb);
        }
        finally
        {
            // The thumbnail reads the same native buffer: it must be done before the buffer is freed, also on a refusal.
            if (thumbTask is not null) ((IAsyncResult)thumbTask).AsyncWaitHandle.WaitOne();
        }
    }

    private byte[] JpegThumb(SKData data, SKEncodedOrigin origin)
    {
        using var codec = SKCodec.Create(data) ?? throw new InvalidOperationException("The photo could not be read a second time.");
        using var small = Decode(codec, settings.ThumbSide);
        using var turned = Upright(small, origin, settings.ThumbSide, opaque: true);
        return Encode(turned ?? small, settings.ThumbQuality);
    }

    /// <summary>
    /// Decodes at the largest size the codec offers (whole eighths for JPEG, WebP any scale, PNG only whole) whose
    /// longest side is at most <paramref name="maxSide"/> (else the smallest it offers); the whole image when it is small already.
    /// </summary>
    private static SKBitmap Decode(SKCodec codec, int maxSide)
    {
        var info = codec.Info;
        var longest = Math.Max(info.Width, info.Height);
        var size = new SKSizeI(info.Width, info.Height);
        if (longest > maxSide)
            for (var eighths = 7; eighths >= 1; eighths--)
            {
                // The smallest offered if none fits: Upright scales the rest of the way.
                var scaled = codec.GetScaledDimensions(eighths / 8f);
                if (scaled.Width < size.Width) size = scaled;
                if (Math.Max(scaled.Width, scaled.Height) <= maxSide) break;
            }
        var target = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap(target);
        var result = codec.GetPixels(target, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new PhotoRefused(415, "Damaged image", $"The image could not be decoded ({result}); send the photo again.");
        }
        if (result == SKCodecResult.IncompleteInput)
        {
            bitmap.Dispose();
            throw new PhotoRefused(415, "Incomplete image", "The image is cut short (the upload stopped early?); send the photo again.");
        }
        return bitmap;
    }

    /// <summary>
    /// The pixels turned as the EXIF orientation says and fitted into <paramref name="maxSide"/>, on white (a PNG's
    /// transparency becomes white); null when the decoded pixels are that already (an upright, opaque image that fits).
    /// A quarter turn at the same size maps pixels one to one, so it needs no filtering.
    /// </summary>
    private static SKBitmap? Upright(SKBitmap source, SKEncodedOrigin origin, int maxSide, bool opaque)
    {
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = swap ? source.Height : source.Width, h = swap ? source.Width : source.Height;
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(w, h));
        if (scale == 1 && opaque && origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default) return null;
        int tw = Math.Max(1, (int)Math.Round(w * scale)), th = Math.Max(1, (int)Math.Round(h * scale));
        var sampling = scale == 1 ? new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None) : scale < 0.5 ? Shrinking : Sampling;
        var result = new SKBitmap(new SKImageInfo(tw, th, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        if (!opaque) canvas.Clear(SKColors.White);
        canvas.Scale((float)tw / w, (float)th / h);
        canvas.Concat(Orientation(origin, source.Width, source.Height));
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, sampling);
        canvas.Flush();
        return result;
    }

    /// <summary>The transform from the stored pixels (w×h) to the upright picture (EXIF orientations 1-8).</summary>
    internal static SKMatrix Orientation(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static byte[] Encode(SKBitmap bitmap, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, quality) ?? throw new InvalidOperationException("Skia could not encode the photo.");
        return jpeg.ToArray();
    }
}
