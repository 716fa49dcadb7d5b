using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Meetings.Server.Documents;

/// <summary>Where document files are kept: under the SHA-256 of their bytes, so a file is stored once and never changes.</summary>
public interface IDocumentStore
{
    /// <summary>Keeps the bytes under their hash (doing nothing when they are already kept) and returns the hash.</summary>
    Task<string> KeepAsync(byte[] content, CancellationToken ct = default);

    /// <summary>The kept bytes, or null when there are none under this hash.</summary>
    Task<Stream?> OpenAsync(string hash, CancellationToken ct = default);
}

public static class ContentHash
{
    public static string Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static bool IsHash(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}

/// <summary>Files in a folder (by default <c>documents/</c> in the data folder): <c>ab/abcdef…</c>, written whole or not at all.</summary>
public sealed class FileDocumentStore(string folder) : IDocumentStore
{
    public async Task<string> KeepAsync(byte[] content, CancellationToken ct = default)
    {
        var hash = ContentHash.Of(content);
        var path = PathOf(hash);
        if (File.Exists(path)) return hash;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(temporary, content, ct);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary); // Kept meanwhile by another request: the same bytes.
        }
        return hash;
    }

    public Task<Stream?> OpenAsync(string hash, CancellationToken ct = default) =>
        Task.FromResult<Stream?>(ContentHash.IsHash(hash) && File.Exists(PathOf(hash)) ? File.OpenRead(PathOf(hash)) : null);

    private string PathOf(string hash) => Path.Combine(folder, hash[..2], hash);
}

/// <summary>An S3-compatible object store (Amazon S3, MinIO, Ceph, ...): objects named <c>{prefix}{hash}</c> in one bucket.</summary>
public sealed class S3DocumentStore(IAmazonS3 s3, string bucket, string prefix) : IDocumentStore
{
    public async Task<string> KeepAsync(byte[] content, CancellationToken ct = default)
    {
        var hash = ContentHash.Of(content);
        // Putting the same bytes under the same name again changes nothing, so there is no need to look first.
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = prefix + hash, InputStream = new MemoryStream(content, writable: false),
            ContentType = "application/octet-stream", UseChunkEncoding = false,
        }, ct);
        return hash;
    }

    public async Task<Stream?> OpenAsync(string hash, CancellationToken ct = default)
    {
        if (!ContentHash.IsHash(hash)) return null;
        try
        {
            var response = await s3.GetObjectAsync(bucket, prefix + hash, ct);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
