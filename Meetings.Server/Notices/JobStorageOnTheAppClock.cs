using Hangfire;
using Hangfire.Common;
using Hangfire.Logging;
using Hangfire.Server;
using Hangfire.States;
using Hangfire.Storage;

namespace Meetings.Server.Notices;

/// <summary>
/// Hangfire's SQLite storage keeps no clock, so Hangfire's scheduler would ask the machine when a delayed job is
/// due. This storage answers with the app's <see cref="TimeProvider"/> instead, the clock the notices are planned
/// by: a reminder due at 17:00 is run when the app says it is 17:00, and a test that moves the app's clock moves
/// Hangfire's schedule with it. Everything else is the wrapped storage's own.
/// </summary>
internal sealed class JobStorageOnTheAppClock(JobStorage inner, TimeProvider clock) : JobStorage
{
    public override bool LinearizableReads => inner.LinearizableReads;

    public override IMonitoringApi GetMonitoringApi() => inner.GetMonitoringApi();

    public override IStorageConnection GetConnection() => new Connection((JobStorageConnection)inner.GetConnection(), clock);

    public override IStorageConnection GetReadOnlyConnection() => new Connection((JobStorageConnection)inner.GetReadOnlyConnection(), clock);

#pragma warning disable CS0618, CS0672 // The wrapped storage may still offer components; pass them on.
    public override IEnumerable<IServerComponent> GetComponents() => inner.GetComponents();
#pragma warning restore CS0618, CS0672

    public override IEnumerable<IBackgroundProcess> GetServerRequiredProcesses() => inner.GetServerRequiredProcesses();

    public override IEnumerable<IBackgroundProcess> GetStorageWideProcesses() => inner.GetStorageWideProcesses();

    public override IEnumerable<IStateHandler> GetStateHandlers() => inner.GetStateHandlers();

    public override void WriteOptionsToLog(ILog logger) => inner.WriteOptionsToLog(logger);

    public override bool HasFeature(string featureId) =>
        featureId == JobStorageFeatures.Connection.GetUtcDateTime || inner.HasFeature(featureId);

    public override string ToString() => inner.ToString() ?? nameof(JobStorageOnTheAppClock);

    private sealed class Connection(JobStorageConnection inner, TimeProvider clock) : JobStorageConnection
    {
        public override DateTime GetUtcDateTime() => clock.GetUtcNow().UtcDateTime;

        public override void Dispose()
        {
            inner.Dispose();
            base.Dispose();
        }

        public override IWriteOnlyTransaction CreateWriteTransaction() => inner.CreateWriteTransaction();
        public override IDisposable AcquireDistributedLock(string resource, TimeSpan timeout) => inner.AcquireDistributedLock(resource, timeout);
        public override string CreateExpiredJob(Job job, IDictionary<string, string> parameters, DateTime createdAt, TimeSpan expireIn) =>
            inner.CreateExpiredJob(job, parameters, createdAt, expireIn);
        public override IFetchedJob FetchNextJob(string[] queues, CancellationToken cancellationToken) => inner.FetchNextJob(queues, cancellationToken);
        public override void SetJobParameter(string id, string name, string value) => inner.SetJobParameter(id, name, value);
        public override string GetJobParameter(string id, string name) => inner.GetJobParameter(id, name);
        public override JobData GetJobData(string jobId) => inner.GetJobData(jobId);
        public override StateData GetStateData(string jobId) => inner.GetStateData(jobId);
        public override void AnnounceServer(string serverId, ServerContext context) => inner.AnnounceServer(serverId, context);
        public override void RemoveServer(string serverId) => inner.RemoveServer(serverId);
        public override void Heartbeat(string serverId) => inner.Heartbeat(serverId);
        public override int RemoveTimedOutServers(TimeSpan timeOut) => inner.RemoveTimedOutServers(timeOut);
        public override HashSet<string> GetAllItemsFromSet(string key) => inner.GetAllItemsFromSet(key);
        public override string GetFirstByLowestScoreFromSet(string key, double fromScore, double toScore) => inner.GetFirstByLowestScoreFromSet(key, fromScore, toScore);
        public override List<string> GetFirstByLowestScoreFromSet(string key, double fromScore, double toScore, int count) =>
            inner.GetFirstByLowestScoreFromSet(key, fromScore, toScore, count);
        public override long GetSetCount(string key) => inner.GetSetCount(key);
        public override long GetSetCount(IEnumerable<string> keys, int limit) => inner.GetSetCount(keys, limit);
        public override bool GetSetContains(string key, string value) => inner.GetSetContains(key, value);
        public override List<string> GetRangeFromSet(string key, int startingFrom, int endingAt) => inner.GetRangeFromSet(key, startingFrom, endingAt);
        public override TimeSpan GetSetTtl(string key) => inner.GetSetTtl(key);
        public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs) => inner.SetRangeInHash(key, keyValuePairs);
        public override Dictionary<string, string> GetAllEntriesFromHash(string key) => inner.GetAllEntriesFromHash(key);
        public override string GetValueFromHash(string key, string name) => inner.GetValueFromHash(key, name);
        public override long GetHashCount(string key) => inner.GetHashCount(key);
        public override TimeSpan GetHashTtl(string key) => inner.GetHashTtl(key);
        public override long GetListCount(string key) => inner.GetListCount(key);
        public override List<string> GetAllItemsFromList(string key) => inner.GetAllItemsFromList(key);
        public override List<string> GetRangeFromList(string key, int startingFrom, int endingAt) => inner.GetRangeFromList(key, startingFrom, endingAt);
        public override TimeSpan GetListTtl(string key) => inner.GetListTtl(key);
        public override long GetCounter(string key) => inner.GetCounter(key);
    }
}
