using System.Collections.Concurrent;
using Meetings.Server.Domain;
using Meetings.Server.Records;

namespace Meetings.Server.Documents;

/// <summary>
/// Each meeting's packet (its agenda and every document, in one zip), made once for what it holds and kept as a file
/// in <c>packets/</c> of the data folder: however many residents download it before a hearing, the server zips it
/// once and sends it from disk, never whole in memory. The file is named by what it holds (<see cref="Packet.Contents.Key"/>),
/// so a hearing's sign-ups and votes never make it again; a packet made for earlier contents is deleted once the next
/// is made. Each instance keeps its own (they are made alike from the shared record and documents).
/// </summary>
public sealed class PacketFiles(string folder, IDocumentStore files, RecordLinks links)
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _making = new();

    /// <summary>
    /// The packet's file for the record as it stands, open for reading (made now if it was not yet), and its tag. Open
    /// before it is handed on: a newer packet made meanwhile may delete it, and an open file is still read whole.
    /// </summary>
    public async Task<(FileStream File, string Tag)> OpenAsync(MeetingRecord record, CancellationToken ct)
    {
        var id = record.Meeting.Id;
        var contents = Packet.Of(record.Meeting, links.MeetingPage(id));
        var tag = $"{id:N}-{contents.Key}";
        var path = Path.Combine(folder, $"{tag}.zip");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true), tag);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && attempt < 3)
            {
                await MakeAsync(id, path, contents, ct);
            }
        }
    }

    private async Task MakeAsync(Guid id, string path, Packet.Contents contents, CancellationToken ct)
    {
        var making = _making.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await making.WaitAsync(ct);
        try
        {
            if (File.Exists(path)) return;
            Directory.CreateDirectory(folder);
            // Made under another name and moved into place whole, so nobody is sent half a packet.
            var part = $"{path}.{Guid.NewGuid():N}.part";
            try
            {
                await using (var file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                    await Packet.WriteAsync(file, contents, files, ct);
                File.Move(part, path, overwrite: true);
            }
            finally
            {
                File.Delete(part);
            }
            foreach (var earlier in Directory.EnumerateFiles(folder, $"{id:N}-*.zip").Where(f => f != path)) TryDelete(earlier);
        }
        finally
        {
            making.Release();
        }
    }

    /// <summary>An earlier packet still being sent stays until it is (where the system will not delete an open file).</summary>
    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
