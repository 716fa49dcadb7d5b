namespace Meetings.Client.Contracts;

/// <summary>The signed-in user, their roles and the seats they hold.</summary>
public sealed record UserInfo(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<HeldSeat> Seats);

public sealed record HeldSeat(Guid BodyId, Guid SeatId, string Title);

/// <summary>An administrator creates an account for a clerk, an official or another administrator.</summary>
public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Password, string? Role);

/// <summary>Sign-in with an e-mail address and password; the answer sets the session cookie.</summary>
public sealed record SignInRequest(string? Email, string? Password);
