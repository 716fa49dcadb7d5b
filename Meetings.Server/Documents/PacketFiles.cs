using System.Collections.Concurrent;
using Meetings.Server.Domain;
using Meetings.Server.Records;

namespace Meetings.Server.Documents;

/// <summary>
/// Each meeting's packet (its agenda and every document, in one zip), made once per state of its record and kept as a
/// file in <c>packets/</c> of the data folder: however many residents download it before a hearing, the server zips
/// it once and sends it from disk, never whole in memory. A packet made for an earlier state is deleted once the next
/// is made. Each instance keeps its own (they are made alike from the shared record and documents).
/// </summary>
public sealed class PacketFiles(string folder, IDocumentStore files, RecordLinks links)
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _making = new();

    /// <summary>The packet's file for the record as it stands, made now if it was not yet.</summary>
    public async Task<string> PathAsync(MeetingRecord record, CancellationToken ct)
    {
        var id = record.Meeting.Id;
        var path = Path.Combine(folder, $"{id:N}-{record.Events}-{record.Head[..16]}.zip");
        if (File.Exists(path)) return path;
        var making = _making.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await making.WaitAsync(ct);
        try
        {
            if (File.Exists(path)) return path;
            Directory.CreateDirectory(folder);
            // Made under another name and moved into place whole, so nobody is sent half a packet.
            var part = $"{path}.{Guid.NewGuid():N}.part";
            try
            {
                await using (var file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                    await Packet.WriteAsync(file, record.Meeting, files, links.MeetingPage(id), ct);
                File.Move(part, path, overwrite: true);
            }
            finally
            {
                File.Delete(part);
            }
            foreach (var earlier in Directory.EnumerateFiles(folder, $"{id:N}-*.zip").Where(f => f != path)) TryDelete(earlier);
            return path;
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
