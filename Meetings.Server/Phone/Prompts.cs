namespace Meetings.Server.Phone;

/// <summary>What callers hear, in English and Spanish. Short sentences: people listen once, on a phone.</summary>
public sealed record Prompts(string Language, string Voice)
{
    public static Prompts English { get; } = new("en", "en-US");
    public static Prompts Spanish { get; } = new("es", "es-MX");

    public static Prompts For(string? language) => language == "es" ? Spanish : English;

    private bool Es => Language == "es";

    public string Welcome => "Welcome to the public meeting line. Para español, oprima 2 y luego la tecla de número.";
    public string EnterCode => Es ? "Marque el código de acceso de la reunión y luego la tecla de número."
        : "Please enter the meeting access code, followed by the pound key.";
    public string WrongCode => Es ? "Ese código no corresponde a ninguna reunión." : "That code does not match a meeting.";
    public string Goodbye => Es ? "No pudimos encontrar la reunión. Consulte el código en la agenda publicada. Adiós."
        : "We could not find the meeting. Please check the access code on the posted agenda. Goodbye.";
    public string NotStarted(string title, DateTimeOffset localStart) => Es
        ? $"{title} comienza el {localStart:d 'de' MMMM} a las {localStart:h:mm tt}. Por favor espere; escuchará la reunión cuando comience."
        : $"{title} starts on {localStart:dddd, MMMM d} at {localStart:h:mm tt}. Please hold; you will hear the meeting when it begins.";
    public string Joining(string title) => Es ? $"Se está uniendo a {title}. Su micrófono está silenciado." : $"You are joining {title}. Your line is muted.";
    public string Keypad => Es
        ? "Durante la reunión, oprima asterisco y luego 9 para levantar o bajar la mano para hablar; asterisco 6 para activar su micrófono cuando le den la palabra; asterisco 1 para oír el tema actual y su lugar en la fila; asterisco 0 para repetir estas instrucciones."
        : "During the meeting, press star then 9 to raise or lower your hand to speak; star 6 to unmute when you are given the floor; star 1 to hear the current item and your place in line; star 0 to repeat these instructions.";
    public string ChooseKey => Es ? "Oprima 9, 6, 1 o 0." : "Press 9, 6, 1 or 0.";
    public string HandRaised(string item, int place) => Es ? $"Su mano está levantada para {item}. Usted es el número {place} en la fila." : $"Your hand is raised for {item}. You are number {place} in line.";
    public string AlreadyInLine => Es ? "Ya está en la fila desde otra llamada." : "You are already in line from another call.";
    public string NotNow => Es ? "Eso no se puede hacer en este momento." : "That cannot be done right now.";
    public string HandLowered => Es ? "Bajó la mano." : "Your hand is lowered.";
    public string CommentClosed => Es ? "En este momento no se reciben comentarios del público." : "Public comment is not open right now.";
    public string YouHaveTheFloor => Es ? "Tiene la palabra. Su micrófono está activado." : "You have the floor. You are unmuted.";
    public string NotYourTurn => Es ? "Todavía no tiene la palabra. Permanecerá silenciado hasta que se la den." : "You do not have the floor yet. You will stay muted until you are given it.";
    public string CurrentItem(string? item) => item is null
        ? (Es ? "Todavía no se trata ningún tema." : "No item is under consideration yet.")
        : (Es ? $"El tema actual es {item}." : $"The current item is {item}.");
    public string Place(int? place) => place is { } p
        ? (Es ? $"Usted es el número {p} en la fila." : $"You are number {p} in line.")
        : (Es ? "No está en la fila para hablar." : "You are not in line to speak.");
    public string Ended => Es ? "La reunión ha terminado. Gracias por participar. Adiós." : "The meeting has ended. Thank you for taking part. Goodbye.";
}
