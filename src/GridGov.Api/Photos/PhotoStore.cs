namespace GridGov.Api.Photos;

/// <summary>
/// Where photo bytes live, apart from the database rows that describe them. Keys are relative paths the store chose
/// (<see cref="NewKey"/>); an S3-compatible store maps them onto object names.
/// </summary>
public interface IPhotoStore
{
    /// <summary>A fresh key for an object of the given extension.</summary>
    string NewKey(DateTimeOffset at, string extension);
    /// <summary>Writes the whole object; it is visible under <paramref name="key"/> only once complete.</summary>
    Task PutAsync(string key, ReadOnlyMemory<byte> bytes, CancellationToken ct);
    /// <summary>The object for reading, or null when it is not there.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);
    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>Photos as files under one directory, two levels by month (yyyy/MM/guid.jpg).</summary>
public sealed class FilePhotoStore : IPhotoStore
{
    private readonly string _root;

    public FilePhotoStore(PhotoSettings settings, IHostEnvironment env)
    {
        _root = Path.GetFullPath(string.IsNullOrWhiteSpace(settings.Directory)
            ? Path.Combine(env.ContentRootPath, "data", "photos")
            : settings.Directory);
        System.IO.Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public string NewKey(DateTimeOffset at, string extension) =>
        $"{at.UtcDateTime:yyyy}/{at.UtcDateTime:MM}/{Guid.NewGuid():N}.{extension}";

    public async Task PutAsync(string key, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        var path = PathOf(key);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Written aside and renamed into place: a reader never sees half a file, a crash leaves only a .part.
        var part = path + ".part";
        await using (var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await file.WriteAsync(bytes, ct);
            await file.FlushAsync(ct);
        }
        File.Move(part, path, overwrite: true);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous)
            : null);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        // Keys are ours, but a key is never allowed out of the root.
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Photo key '{key}' lies outside the store.", nameof(key));
        return path;
    }
}
