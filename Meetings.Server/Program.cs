using System.Text.Json.Serialization;
using Meetings.Server.Agenda;
using Meetings.Server.Bodies;
using Meetings.Server.Data;
using Meetings.Server.Documents;
using Meetings.Server.Errors;
using Meetings.Server.Followers;
using Meetings.Server.Identity;
using Meetings.Server.Journal;
using Meetings.Server.Languages;
using Meetings.Server.Live;
using Meetings.Server.Minutes;
using Meetings.Server.Meetings;
using Meetings.Server.Notices;
using Meetings.Server.Phone;
using Meetings.Server.Privacy;
using Meetings.Server.ScaleOut;
using Meetings.Server.Security;
using Meetings.Server.Records;
using Meetings.Server.Residents;

// Before anything uses the runtime's shared array pool, which reads how many arrays to keep only once (SharedArrays).
SharedArrays.KeepMore();
var builder = WebApplication.CreateBuilder(args);
// Serve the web client from its build output in every environment, not only Development (a no-op once published).
builder.WebHost.UseStaticWebAssets();
builder.AddLanguages();
builder.AddSecurity();
builder.AddMeetingsData();
builder.AddMeetingsIdentity();
builder.AddPrivacy();
builder.AddProblemHandling();
builder.AddMeetings();
builder.AddFollowers();
builder.AddScaleOut();
builder.AddLive();
builder.AddResidentPage();
builder.AddPhone();
builder.AddNotices();
builder.AddRecords();
builder.AddMinutes();
builder.AddDocuments();
builder.AddApiDocument();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

var app = builder.Build();
await app.MigrateMeetingsDatabaseAsync();
await app.LoadServerSecretAsync();
await app.RechainOldJournalsAsync();
if (await app.RunStartupVerbAsync(args)) return;
await app.SeedAsync();

app.UseSecurity();
// A screen's live socket, held for hours, passes by what it has no use for (LiveSockets).
app.UseErrorPagesAndSignIn();
app.UseAuthorizationWhereAsked();
app.UseSecurityAfterSignIn();
app.UseRateLimiter();

app.MapStaticAssets();
app.MapOpenApi();
app.MapHealthEndpoint();
app.MapAuthEndpoints();
app.MapBodyEndpoints();
app.MapMeetingEndpoints();
app.MapAgendaEndpoints();
app.MapJournalEndpoints();
app.MapLive();
app.MapResidentPage();
app.MapPhoneEndpoints();
app.MapNotices();
app.MapLanguages();
app.MapExportEndpoints();
app.MapMinutesEndpoints();
app.MapDocumentEndpoints();
app.MapClientPages();

await app.RunAsync();

/// <summary>The entry point, visible to the tests' host factory.</summary>
public partial class Program;
