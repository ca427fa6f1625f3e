using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using GridGov.Api.Photos;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace GridGov.Bench;

/// <summary>
/// `./gridgov bench phones`: a phone photo (4 MB JPEG) checked, turned, re-encoded and thumbnailed, beside storing
/// the same bytes untouched; and the crew app's first load on a throttled 3G profile beside the desktop map's.
/// </summary>
internal static class PhonesBench
{
    public static async Task RunAsync()
    {
        var db = BenchHost.Required("GRIDGOV_BENCH_DB");
        await using var service = await BenchHost.Service.StartAsync(db, "dispatcher", ("Photos:Directory", Path.Combine(Path.GetTempPath(), "gridgov-bench-photos")));
        Console.WriteLine("== phones: photos ==");
        await PhotosAsync(service);
        Console.WriteLine();
        Console.WriteLine("== phones: first load on throttled 3G ==");
        await PhoneLoad.RunAsync(service);
    }

    /// <summary>A 12-megapixel phone photo of about 4 MB: noise over gradients (compresses like a street scene).</summary>
    internal static byte[] PhoneJpeg(int seed)
    {
        const int w = 4000, h = 3000;
        using var bitmap = new SKBitmap(w, h);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(w, h),
                [new SKColor(90, 120, 160), new SKColor(200, 180, 120), new SKColor(60, 90, 60)], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, w, h, paint);
            var random = new Random(seed);
            using var dot = new SKPaint();
            for (var i = 0; i < 420_000; i++)
            {
                dot.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 140);
                canvas.DrawRect(random.Next(w), random.Next(h), 2 + random.Next(4), 2 + random.Next(4), dot);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
    }

    private static async Task PhotosAsync(BenchHost.Service service)
    {
        var processor = service.Services.GetRequiredService<PhotoProcessor>();
        var store = service.Services.GetRequiredService<IPhotoStore>();
        var photos = Enumerable.Range(1, 8).Select(PhoneJpeg).ToList();
        Console.WriteLine($"input: {photos.Count} JPEGs 4000×3000, {photos.Average(p => p.Length) / 1048576.0:0.0} MB each");

        // Server side, in process: what the upload handler does with the bytes (hash, decode, turn, encode, thumbnail, two files).
        var process = new List<double>();
        var raw = new List<double>();
        foreach (var (photo, i) in photos.Select((p, i) => (p, i)))
        {
            var watch = Stopwatch.StartNew();
            SHA256.HashData(photo);
            var done = processor.Process(photo);
            var key = store.NewKey(DateTimeOffset.UtcNow, "jpg");
            await store.PutAsync(key, done.Image, CancellationToken.None);
            await store.PutAsync(key + ".thumb", done.Thumb, CancellationToken.None);
            process.Add(watch.Elapsed.TotalMilliseconds);
            if (i == 0) Console.WriteLine($"stored: {done.Width}×{done.Height}, {done.Image.Length / 1048576.0:0.00} MB; thumbnail {done.Thumb.Length / 1024.0:0.0} kB");

            // Baseline: the same bytes hashed and written as they came (what keeping the upload untouched would cost).
            watch.Restart();
            SHA256.HashData(photo);
            await store.PutAsync(store.NewKey(DateTimeOffset.UtcNow, "jpg"), photo, CancellationToken.None);
            raw.Add(watch.Elapsed.TotalMilliseconds);
        }

        // End to end over HTTP on loopback: the multipart upload to the 201 (the database row and history entry included).
        var spot = await SpotAsync(service);
        var incident = await service.Client.PostAsJsonAsync("/api/incidents", new { category = "06002", source = "hotline", lon = spot.Lon, lat = spot.Lat });
        var id = (await incident.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var http = new List<double>();
        foreach (var photo in photos.Take(6))
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(photo);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "file", "photo.jpg");
            var watch = Stopwatch.StartNew();
            var response = await service.Client.PostAsync($"/api/incidents/{id}/photos", form);
            http.Add(watch.Elapsed.TotalMilliseconds);
            response.EnsureSuccessStatusCode();
        }

        static string Stats(List<double> t)
        {
            var s = t.Order().ToList();
            return $"p50 {s[s.Count / 2],7:0.0} ms  max {s[^1],7:0.0} ms";
        }
        Console.WriteLine($"{"",-44} {"ours",-28} {"baseline: stored untouched",-28}");
        Console.WriteLine($"{"check + upright + re-encode + thumb + store",-44} {Stats(process),-28} {Stats(raw),-28}");
        Console.WriteLine($"{"HTTP upload to 201 (loopback, row + history)",-44} {Stats(http),-28}");
        Console.WriteLine($"ratio (server side p50): {process.Order().ElementAt(process.Count / 2) / raw.Order().ElementAt(raw.Count / 2):0.0}× the untouched store; target < 500 ms");
    }

    private static async Task<(double Lon, double Lat)> SpotAsync(BenchHost.Service service)
    {
        await using var cmd = service.DataSource.CreateCommand("SELECT ST_X(p), ST_Y(p) FROM grids u, ST_PointOnSurface(u.geometry) p WHERE u.level = 'Unit' ORDER BY u.code LIMIT 1 OFFSET 3");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetDouble(0), r.GetDouble(1));
    }
}
