using System.Globalization;

namespace Meetings.Server.Phone;

/// <summary>
/// What callers hear, in English and Spanish. Short sentences: people listen once, on a phone. Dates and times
/// are said in the language's own order and culture; the # key is named as callers know it.
/// </summary>
public sealed record Prompts(string Language, string Tag, CultureInfo Culture)
{
    public static Prompts English { get; } = new("en", "en-US", CultureInfo.GetCultureInfo("en-US"));
    public static Prompts Spanish { get; } = new("es", "es-MX", CultureInfo.GetCultureInfo("es-MX"));

    public static Prompts For(string? language) => language == "es" ? Spanish : English;

    private bool Es => Language == "es";

    // Greeting and access code

    public static string Welcome => "Welcome to the public meeting line.";
    /// <summary>Said in Spanish, by the Spanish voice, inside the English greeting.</summary>
    public static string ForSpanish => "Para español, oprima 2 y luego la tecla numeral.";
    public string EnterCode => Es ? "Marque el código de acceso de la reunión y luego la tecla numeral."
        : "Please enter the meeting access code, followed by the pound key.";
    public string WrongCode => Es ? "Ese código no corresponde a ninguna reunión." : "That code does not match a meeting.";
    public string Goodbye => Es ? "No pudimos encontrar la reunión. Consulte el código en la agenda publicada. Adiós."
        : "We could not find the meeting. Please check the access code on the posted agenda. Goodbye.";
    public string NoCode => Es ? "No escuchamos ningún código. Consulte el código en la agenda publicada y vuelva a llamar. Adiós."
        : "We did not hear an access code. Please check the code on the posted agenda and call again. Goodbye.";

    // Joining

    public string NotStarted(string title, DateTimeOffset localStart) => Es
        ? $"{title} comienza el {localStart.ToString("dddd d 'de' MMMM 'a las' h:mm tt", Culture)}. Por favor espere; escuchará la reunión cuando comience."
        : $"{title} starts on {localStart.ToString("dddd, MMMM d 'at' h:mm tt", Culture)}. Please hold; you will hear the meeting when it begins.";
    public string Joining(string title) => Es ? $"Se está uniendo a {title}. Su micrófono está silenciado." : $"You are joining {title}. Your line is muted.";
    public string Ended => Es ? "La reunión ha terminado. Gracias por llamar." : "The meeting has ended. Thank you for calling.";
    public string Cancelled => Es ? "Esta reunión fue cancelada. Gracias por llamar." : "This meeting was cancelled. Thank you for calling.";

    // The keypad

    public string Keypad => Es
        ? "Durante la reunión, oprima asterisco y luego 9 para levantar o bajar la mano para hablar; asterisco 6 para activar su micrófono cuando le den la palabra; asterisco 1 para oír el tema actual y su lugar en la fila; asterisco 0 para repetir estas instrucciones."
        : "During the meeting, press star then 9 to raise or lower your hand to speak; star 6 to unmute when you are given the floor; star 1 to hear the current item and your place in line; star 0 to repeat these instructions.";
    public string ChooseKey => Es
        ? "Oprima 9 para levantar o bajar la mano, 6 para activar su micrófono cuando tenga la palabra, 1 para oír el tema actual y su lugar en la fila, o 0 para volver a oír las instrucciones. Si no oprime nada, volverá a la reunión."
        : "Press 9 to raise or lower your hand, 6 to unmute when you have the floor, 1 to hear the current item and your place in line, or 0 to hear the instructions again. If you press nothing, you go back to the meeting.";
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

    // A turn, said to the speaker alone

    public string Floor(int seconds) => Es ? $"Tiene la palabra. Tiene {Duration(seconds)}." : $"You have the floor. You have {Duration(seconds)}.";
    public string ThirtySecondsLeft => Es ? "Le quedan 30 segundos." : "30 seconds left.";
    public string TimeIsUp => Es ? "Se acabó su tiempo. Gracias." : "Your time is up. Thank you.";
    public string TurnEnded => Es ? "Terminó su turno. Gracias." : "Your turn has ended. Thank you.";

    // Calling a web resident back

    public string CallingBack(string body, string title, string item) => Es
        ? $"Hola. Le llama {body} por {title}. Pidió que le llamáramos cuando le tocara hablar sobre el tema {item}. Usted sigue. Oprima 1 para unirse a la reunión."
        : $"Hello. This is {body} calling about {title}. You asked us to call when it is your turn to speak on item {item}. You are next. Press 1 to join the meeting.";
    public string CallBackMissed => Es ? "No escuchamos el 1. El secretario sabrá que no pudo unirse. Adiós." : "We did not hear 1. The clerk will know you could not join. Goodbye.";

    // From the browser

    public string BrowserJoining(string title) => Es ? $"Está conectado a {title}. Su micrófono está silenciado hasta que le den la palabra." : $"You are connected to {title}. Your microphone is muted until you are given the floor.";
    public string BrowserFull => Es ? "Hay demasiadas personas conectadas desde la web. Por favor llame por teléfono." : "Too many people are connected from the web right now. Please call in by phone instead.";
    public string NotInLine => Es ? "Su turno para hablar ya no está en la fila. Adiós." : "Your place in line is no longer open. Goodbye.";

    private string Duration(int seconds)
    {
        var (minutes, rest) = (seconds / 60, seconds % 60);
        string Minutes(int m) => Es ? (m == 1 ? "1 minuto" : $"{m} minutos") : (m == 1 ? "1 minute" : $"{m} minutes");
        string Seconds(int s) => Es ? (s == 1 ? "1 segundo" : $"{s} segundos") : (s == 1 ? "1 second" : $"{s} seconds");
        return (minutes, rest) switch
        {
            (0, _) => Seconds(rest),
            (_, 0) => Minutes(minutes),
            _ => $"{Minutes(minutes)} {(Es ? "y" : "and")} {Seconds(rest)}",
        };
    }
}
