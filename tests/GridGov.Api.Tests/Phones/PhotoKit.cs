using System.Net.Http.Headers;
using System.Text;
using SkiaSharp;

namespace GridGov.Api.Tests.Phones;

/// <summary>Real images for the photo tests: JPEGs drawn with Skia, with EXIF and comment segments spliced in.</summary>
internal static class PhotoKit
{
    public const string Script = "<script>alert('gridgov')</script>";
    public const string Camera = "GridGovCam SN-8842-XYZ";

    /// <summary>A w×h JPEG of a gradient (left half red, right half blue, so orientation can be told).</summary>
    public static byte[] Jpeg(int w, int h, int quality = 90, int seed = 0)
    {
        using var bitmap = new SKBitmap(w, h);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)(seed * 37 % 256), 200, 80));
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, w / 2f, h, red);
            canvas.DrawRect(w / 2f, 0, w / 2f, h, blue);
            // Noise keeps large test images large after compression.
            var random = new Random(seed);
            using var dot = new SKPaint();
            for (var i = 0; i < w * h / 400; i++)
            {
                dot.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawRect(random.Next(w), random.Next(h), 3, 3, dot);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, quality).ToArray();
    }

    public static byte[] Png(int w, int h)
    {
        using var bitmap = new SKBitmap(w, h);
        using (var canvas = new SKCanvas(bitmap)) canvas.Clear(new SKColor(10, 120, 200, 128));
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>
    /// The JPEG with an APP1 EXIF segment right after SOI: IFD0 holds the orientation, a camera model with a serial and
    /// a script, and a GPS IFD with a latitude; plus a COM segment with the script again.
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation = 1)
    {
        var model = Encoding.ASCII.GetBytes(Camera + " " + Script + "\0");
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); }
        void U32(int v) { U16(v & 0xffff); U16(v >> 16); }
        tiff.AddRange("II"u8.ToArray()); U16(42); U32(8);
        // IFD0 at 8: 3 entries (orientation, model, GPS pointer), then next-IFD 0.
        const int ifd0Size = 2 + 3 * 12 + 4;
        var gpsAt = 8 + ifd0Size;
        const int gpsSize = 2 + 2 * 12 + 4;
        var dataAt = gpsAt + gpsSize;
        U16(3);
        U16(0x0112); U16(3); U32(1); U16(orientation); U16(0);
        U16(0x0110); U16(2); U32(model.Length); U32(dataAt);
        U16(0x8825); U16(4); U32(1); U32(gpsAt);
        U32(0);
        // GPS IFD: latitude ref N and latitude 30/1 15/1 0/1.
        U16(2);
        U16(0x0001); U16(2); U32(2); tiff.AddRange("N\0\0\0"u8.ToArray());
        U16(0x0002); U16(5); U32(3); U32(dataAt + model.Length);
        U32(0);
        tiff.AddRange(model);
        foreach (var (n, d) in new[] { (30, 1), (15, 1), (0, 1) }) { U32(n); U32(d); }

        var app1 = new List<byte>();
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        var comment = Encoding.ASCII.GetBytes("comment " + Script);
        var result = new List<byte> { 0xFF, 0xD8 };
        result.AddRange(Segment(0xE1, app1));
        result.AddRange(Segment(0xFE, comment));
        result.AddRange(jpeg.Skip(2));
        return result.ToArray();
    }

    private static IEnumerable<byte> Segment(byte marker, IReadOnlyCollection<byte> body)
    {
        var length = body.Count + 2;
        return new byte[] { 0xFF, marker, (byte)(length >> 8), (byte)length }.Concat(body);
    }

    public static MultipartFormDataContent Form(byte[] bytes, string fileName = "photo.jpg", string contentType = "image/jpeg", string? kind = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (kind is not null) form.Add(new StringContent(kind), "kind");
        return form;
    }

    public static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;
}
