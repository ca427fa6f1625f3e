using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;
using Microsoft.AspNetCore.Hosting;
using SkiaSharp;

namespace GridGov.Api.Tests.Phones;

[Collection(ApiCollection.Name)]
public class PhotoTests(GridGovFactory app)
{
    private const int CrewTeam = 1; // the demo 'crew' user is crew 1 of team 1

    private async Task<long> PhotoCount(long incidentId)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT count(*) FROM incident_photos WHERE incident_id = $1");
        cmd.Parameters.AddWithValue(incidentId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_photo_is_stored_re_encoded_without_its_metadata_with_a_thumbnail_and_a_retry_adds_nothing()
    {
        var spot = await Spots.Next(app);
        using var dispatcher = await app.ClientFor("dispatcher");
        var id = await dispatcher.NewIncident("06002", "hotline", spot);
        var upload = PhotoKit.WithExif(PhotoKit.Jpeg(3000, 2000));
        Assert.True(PhotoKit.Contains(upload, PhotoKit.Script) && PhotoKit.Contains(upload, "Exif") && PhotoKit.Contains(upload, PhotoKit.Camera));

        var created = await (await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(upload, "现场.jpg"))).Json(HttpStatusCode.Created);
        var photoId = created.GetProperty("id").GetInt64();
        Assert.Equal("before", created.GetProperty("kind").GetString());
        Assert.Equal("staff", created.GetProperty("by").GetString());
        Assert.Equal($"/api/photos/{photoId}", created.GetProperty("url").GetString());
        // Decoded straight at 6/8 (the largest eighth within 2,560 px): 2250 × 1500.
        Assert.Equal(2250, created.GetProperty("width").GetInt32());
        Assert.Equal(1500, created.GetProperty("height").GetInt32());

        var stored = await dispatcher.GetByteArrayAsync($"/api/photos/{photoId}");
        Assert.Equal([0xFF, 0xD8], stored[..2]);
        foreach (var secret in new[] { PhotoKit.Script, "Exif", PhotoKit.Camera, "comment" })
            Assert.False(PhotoKit.Contains(stored, secret), $"the stored image still holds '{secret}'");
        using (var codec = SKCodec.Create(new MemoryStream(stored)))
        {
            Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
            Assert.Equal(2250, codec.Info.Width);
            Assert.Equal(SKEncodedOrigin.TopLeft, codec.EncodedOrigin);
        }
        var thumb = await dispatcher.GetByteArrayAsync($"/api/photos/{photoId}?size=thumb");
        using (var codec = SKCodec.Create(new MemoryStream(thumb)))
            Assert.Equal(320, Math.Max(codec.Info.Width, codec.Info.Height));
        Assert.False(PhotoKit.Contains(thumb, PhotoKit.Script));

        // The same bytes again (a retry after a lost answer): the first photo, nothing new.
        var again = await (await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(upload, "retry.jpg"))).Json(HttpStatusCode.OK);
        Assert.Equal(photoId, again.GetProperty("id").GetInt64());
        Assert.Equal(1, await PhotoCount(id));

        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal(photoId, detail.GetProperty("photos").EnumerateArray().Single().GetProperty("id").GetInt64());
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), h => h.GetProperty("action").GetString() == "photo");
        await ProblemAssert.IsProblem(await dispatcher.GetAsync($"/api/photos/{photoId}?size=huge"), HttpStatusCode.BadRequest, "thumb");
    }

    [Fact]
    public async Task The_exif_orientation_is_applied_before_it_is_dropped()
    {
        var spot = await Spots.Next(app);
        using var dispatcher = await app.ClientFor("dispatcher");
        var id = await dispatcher.NewIncident("06002", "hotline", spot);
        // Stored 400×200, left red and right blue, tagged "rotate 90° clockwise to view" (orientation 6).
        var created = await (await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(PhotoKit.WithExif(PhotoKit.Jpeg(400, 200), orientation: 6)))).Json(HttpStatusCode.Created);
        Assert.Equal(200, created.GetProperty("width").GetInt32());
        Assert.Equal(400, created.GetProperty("height").GetInt32());
        using var bitmap = SKBitmap.Decode(await dispatcher.GetByteArrayAsync(created.GetProperty("url").GetString()));
        // Turned clockwise, the left (red) half is on top and the right (blue) half at the bottom.
        var top = bitmap.GetPixel(100, 60);
        var bottom = bitmap.GetPixel(100, 340);
        Assert.True(top.Red > 200 && top.Blue < 80, $"top is {top}");
        Assert.True(bottom.Blue > 200 && bottom.Red < 80, $"bottom is {bottom}");
    }

    [Fact]
    public async Task What_is_not_a_photo_or_too_large_is_refused_with_the_reason_and_nothing_is_stored()
    {
        var spot = await Spots.Next(app);
        using var dispatcher = await app.ClientFor("dispatcher");
        var id = await dispatcher.NewIncident("06002", "hotline", spot);

        // A script named like a photo and declared image/jpeg: the content decides.
        var script = System.Text.Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");
        await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(script, "photo.jpg")),
            HttpStatusCode.UnsupportedMediaType, "JPEG, PNG or WebP");
        // A GIF is an image, but not one we keep.
        var gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
        await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(gif, "x.gif", "image/gif")),
            HttpStatusCode.UnsupportedMediaType, "GIF");
        // A JPEG cut short (the upload stopped) is not stored half.
        var jpeg = PhotoKit.Jpeg(800, 600);
        await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(jpeg[..(jpeg.Length / 2)])),
            HttpStatusCode.UnsupportedMediaType, "again");
        // 30 MB: refused by its length, before it is read.
        var huge = new byte[30 * 1024 * 1024];
        jpeg.CopyTo(huge, 0);
        await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(huge)), HttpStatusCode.RequestEntityTooLarge, "10 MB");
        // No file part, an unknown field, a wrong kind.
        using (var empty = new MultipartFormDataContent { { new StringContent("before"), "kind" } })
            await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{id}/photos", empty), HttpStatusCode.BadRequest, "'file'");
        var extra = PhotoKit.Form(jpeg);
        extra.Add(new StringContent("x"), "caption");
        await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{id}/photos", extra), HttpStatusCode.BadRequest, "caption");
        await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(jpeg, kind: "during")), HttpStatusCode.BadRequest, "before or after");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/photos", new { file = "x" }), HttpStatusCode.BadRequest, "multipart");
        Assert.Equal(0, await PhotoCount(id));

        // A PNG with transparency is accepted and kept as a JPEG on white.
        var png = await (await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(PhotoKit.Png(64, 48), "s.png", "image/png"))).Json(HttpStatusCode.Created);
        Assert.Equal("image/jpeg", png.GetProperty("contentType").GetString());
        Assert.Equal(1, await PhotoCount(id));
    }

    [Fact]
    public async Task A_crew_sees_photos_of_its_cases_only_and_a_closed_case_takes_no_more()
    {
        using var dispatcher = await app.ClientFor("dispatcher");
        using var crew = await app.ClientFor("crew");
        var other = await Spots.Next(app);
        while (other.TeamId == CrewTeam) other = await Spots.Next(app);
        var elsewhere = await dispatcher.NewIncident("06002", "hotline", other);
        var photo = await (await dispatcher.PostAsync($"/api/incidents/{elsewhere}/photos", PhotoKit.Form(PhotoKit.Jpeg(120, 90, seed: 5)))).Json(HttpStatusCode.Created);
        var photoId = photo.GetProperty("id").GetInt64();
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/photos/{photoId}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/incidents/{elsewhere}/photos"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await crew.PostAsync($"/api/incidents/{elsewhere}/photos", PhotoKit.Form(PhotoKit.Jpeg(120, 90, seed: 6))), HttpStatusCode.NotFound);
        using var anonymous = app.CreateClient();
        await ProblemAssert.IsProblem(await anonymous.GetAsync($"/api/photos/{photoId}"), HttpStatusCode.Unauthorized, "tracking link");

        (await dispatcher.Act(elsewhere, "void", note: "测试作废")).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblem(await dispatcher.PostAsync($"/api/incidents/{elsewhere}/photos", PhotoKit.Form(PhotoKit.Jpeg(120, 90, seed: 7))),
            HttpStatusCode.Conflict, "voided");
    }

    [Fact]
    public async Task Where_the_category_requires_it_handle_waits_for_an_after_photo_and_verification_sees_both()
    {
        using var strict = app.WithWebHostBuilder(b => b.UseSetting("Photos:AfterPhotoRequired:0", "09"));
        var spot = await Spots.Next(app, CrewTeam);
        using var dispatcher = await Authorized(strict, "dispatcher");
        using var crew = await Authorized(strict, "crew");
        var id = await dispatcher.NewIncident("09002", "hotline", spot);
        (await dispatcher.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(PhotoKit.Jpeg(640, 480, seed: 11)))).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "register")).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "dispatch")).EnsureSuccessStatusCode();
        (await crew.Act(id, "accept")).EnsureSuccessStatusCode();
        (await crew.Act(id, "start")).EnsureSuccessStatusCode();
        var detail = await crew.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.True(detail.GetProperty("afterPhotoRequired").GetBoolean());

        await ProblemAssert.IsProblem(await crew.Act(id, "handle", note: "已清理"), HttpStatusCode.Conflict, "after-photo required");
        // The crew of the case uploading while it is in progress: an "after" photo without saying so.
        var after = await (await crew.PostAsync($"/api/incidents/{id}/photos", PhotoKit.Form(PhotoKit.Jpeg(640, 480, seed: 12)))).Json(HttpStatusCode.Created);
        Assert.Equal("after", after.GetProperty("kind").GetString());
        Assert.Equal("crew", after.GetProperty("by").GetString());
        (await crew.Act(id, "handle", note: "已清理")).EnsureSuccessStatusCode();

        var forVerifier = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal(["before", "after"], forVerifier.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("kind").GetString()!).ToArray());
        (await dispatcher.Act(id, "verify", score: 5)).EnsureSuccessStatusCode();

        // The rule is the setting's: without it (the main host) handling needs no photo.
        var loose = await app.ClientFor("crew");
        var spot2 = await Spots.Next(app, CrewTeam);
        var id2 = await dispatcher.NewIncident("09002", "hotline", spot2);
        (await dispatcher.Act(id2, "register")).EnsureSuccessStatusCode();
        (await dispatcher.Act(id2, "dispatch")).EnsureSuccessStatusCode();
        (await loose.Act(id2, "accept")).EnsureSuccessStatusCode();
        (await loose.Act(id2, "handle", note: "已处理")).EnsureSuccessStatusCode();
    }

    private static async Task<HttpClient> Authorized(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> host, string user) =>
        await GridGovFactory.SignIn(host, user, "gridgov-demo");
}
