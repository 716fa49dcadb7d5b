using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Meetings;

/// <summary>
/// A city council to try the product with: five seats, a clerk, five officials and a published meeting a
/// week away with a realistic agenda. Made once, on an empty database, in Development (or with Demo:Seed).
/// </summary>
public sealed class DemoSeed(MeetingsDbContext db, AccountService accounts, MeetingStore store, TimeProvider clock, ILogger<DemoSeed> log)
{
    public const string Password = "Meetings-demo-2026";
    private const string TimeZone = "America/Los_Angeles";

    private static readonly (string Seat, string Name, string Email)[] Council =
    [
        ("Mayor", "Maria Alvarez", "mayor@demo.city"),
        ("Council Seat 1", "James Okafor", "okafor@demo.city"),
        ("Council Seat 2", "Linh Tran", "tran@demo.city"),
        ("Council Seat 3", "Robert Haines", "haines@demo.city"),
        ("Council Seat 4", "Priya Natarajan", "natarajan@demo.city"),
    ];

    public async Task SeedAsync()
    {
        if (await db.Bodies.AnyAsync()) return;
        await accounts.EnsureAdminAsync("admin@demo.city", Password, "Demo Administrator");
        await accounts.CreateAsync(new("clerk@demo.city", "Dana Whitfield, City Clerk", Password, Roles.Clerk));
        var body = new Body(Guid.NewGuid(), "Harbor City Council");
        foreach (var (seat, name, email) in Council)
        {
            var official = await accounts.CreateAsync(new(email, name, Password, Roles.Official));
            body.AddSeat(Guid.NewGuid(), seat, name, official.Id);
        }
        body.SetChair(body.Seats[0].Id);
        db.Bodies.Add(body);
        await db.SaveChangesAsync();
        await ScheduleMeetingAsync(body);
        log.LogWarning("Demo data created. Sign in with password {Password} as admin@demo.city, clerk@demo.city or {Officials}.",
            Password, string.Join(", ", Council.Select(c => c.Email)));
    }

    private async Task ScheduleMeetingAsync(Body body)
    {
        var nextWeek = LocalTime.ToInstant(clock.GetUtcNow().AddDays(7).Date.AddHours(18), TimeZone);
        var scheduled = Meeting.Schedule(Guid.NewGuid(), body, "Regular Meeting of the City Council", MeetingKind.Regular,
            nextWeek, TimeZone, "Council Chambers, City Hall, 100 Harbor Way", "482913");
        var clerk = new Actor(ActorRole.Clerk, "clerk: Dana Whitfield, City Clerk");
        await store.ScheduleAsync(scheduled, clerk, [.. Agenda(), (m, now) => m.Publish(now)]);
    }

    private static IEnumerable<Func<Meeting, DateTimeOffset, MeetingEvent[]>> Agenda()
    {
        var consent = Guid.NewGuid();
        Func<Meeting, DateTimeOffset, MeetingEvent[]> Item(string title, AgendaItemKind kind, bool comment, string? description = null, Guid? id = null, Guid? parent = null) =>
            (m, _) => m.AddItem(id ?? Guid.NewGuid(), parent, null, title, kind, description, comment, null);
        return
        [
            Item("Call to Order", AgendaItemKind.Procedural, false),
            Item("Roll Call", AgendaItemKind.Procedural, false),
            Item("Public Comment on Items Not on the Agenda", AgendaItemKind.PublicComment, true,
                "Members of the public may address the Council on any matter within its jurisdiction."),
            Item("Consent Calendar", AgendaItemKind.Consent, true,
                "Routine items approved by one motion unless a member asks to remove one for discussion.", id: consent),
            Item("Approve the minutes of the regular meeting of November 3", AgendaItemKind.Consent, false, parent: consent),
            Item("Receive the warrant register for October", AgendaItemKind.Consent, false, parent: consent),
            Item("Award the 2027 street resurfacing contract to Coastline Paving ($1.24 million)", AgendaItemKind.Consent, false, parent: consent),
            Item("Public Hearing: Zoning amendment for the Downtown Mixed-Use District", AgendaItemKind.PublicHearing, true,
                "Ordinance amending height limits and ground-floor uses on Harbor Way between 1st and 6th Streets."),
            Item("Adopt the mid-year budget adjustment for fiscal year 2026-27", AgendaItemKind.Action, true),
            Item("Authorize a one-year protected bike lane pilot on Elm Street", AgendaItemKind.Action, true),
            Item("Council Member Reports", AgendaItemKind.Discussion, false),
            Item("Adjournment", AgendaItemKind.Procedural, false),
        ];
    }
}
