using Meetings.Client.Contracts;
using Meetings.Client.Services;
using Microsoft.AspNetCore.Components;

namespace Meetings.Client.Components;

/// <summary>
/// A page showing one live meeting: joins it, re-renders on every update, and puts what changed into words
/// for screen readers (the current item, a vote's result).
/// </summary>
public abstract class LivePage : ComponentBase, IAsyncDisposable
{
    [Parameter] public Guid Id { get; set; }
    [Inject] protected LiveMeeting Live { get; set; } = null!;
    [Inject] protected Text T { get; set; } = null!;
    [Inject] protected Session Session { get; set; } = null!;

    protected MeetingSnapshot? Snapshot => Live.Snapshot;
    protected string? Announcement { get; private set; }
    protected string? Error { get; set; }

    protected override async Task OnInitializedAsync()
    {
        Live.Changed += OnChanged;
        T.Changed += OnTextChanged;
        await Session.LoadAsync();
        try
        {
            await Live.StartAsync(Id);
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.SignalR.HubException or HttpRequestException)
        {
            Error = T["open.failed"];
        }
    }

    private Guid? _item;
    private readonly HashSet<Guid> _results = [];

    private void OnChanged()
    {
        if (Snapshot is { } s)
        {
            if (s.CurrentItemId != _item && s.CurrentItemId is { } id && s.Agenda.FirstOrDefault(i => i.Id == id) is { } item)
                Announcement = T.Format("announce.item", item.Number, item.Title);
            _item = s.CurrentItemId;
            foreach (var m in s.Motions.Where(m => m.State is "Passed" or "Failed" or "NoQuorum" && _results.Add(m.Id)))
                Announcement = T.Format("announce.result", T["state." + m.State], T.Format("tally", m.Ayes, m.Nays, m.Abstentions, m.Recusals, m.Absent, m.NotVoting));
            Announce(s);
        }
        InvokeAsync(StateHasChanged);
    }

    /// <summary>Pages add their own announcements (a resident's turn, an official's vote).</summary>
    protected virtual void Announce(MeetingSnapshot snapshot) { }

    protected void Say(string message) => Announcement = message;

    private void OnTextChanged() => InvokeAsync(StateHasChanged);

    /// <summary>Runs a hub command and shows the server's words if it is refused.</summary>
    protected async Task Run(string method, params object?[] args)
    {
        Error = await Live.Do(method, args);
        StateHasChanged();
    }

    /// <summary>A speaker's name as the public may see it, or words saying the clerk withheld it.</summary>
    protected string SpeakerName(SpeakerDto speaker) => speaker.Name ?? T["name.hidden"];

    protected string SeatName(Guid seatId) => Snapshot?.Members.FirstOrDefault(m => m.SeatId == seatId) is { } m ? m.Name ?? m.Title : "?";

    protected AgendaItemDto? CurrentItem => Snapshot?.Agenda.FirstOrDefault(i => i.Id == Snapshot.CurrentItemId);

    public virtual async ValueTask DisposeAsync()
    {
        Live.Changed -= OnChanged;
        T.Changed -= OnTextChanged;
        await Live.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
