using System.Globalization;
using Microsoft.JSInterop;

namespace Meetings.Client.Services;

/// <summary>The words on the screen, in English or Spanish; the choice is kept in this browser.</summary>
public sealed class Text(IJSRuntime js)
{
    private static readonly Dictionary<string, (string En, string Es)> Words = new()
    {
        ["app"] = ("Public Meetings", "Reuniones Públicas"),
        ["skip"] = ("Skip to content", "Ir al contenido"),
        ["meetings"] = ("Meetings", "Reuniones"),
        ["upcoming"] = ("Upcoming meetings", "Próximas reuniones"),
        ["past"] = ("Past meetings", "Reuniones anteriores"),
        ["none"] = ("None.", "Ninguna."),
        ["signin"] = ("Sign in", "Iniciar sesión"),
        ["signout"] = ("Sign out", "Cerrar sesión"),
        ["signin.title"] = ("Sign in for clerks, officials and administrators", "Acceso para secretarios, funcionarios y administradores"),
        ["signin.note"] = ("Residents do not need an account to watch or to speak.", "Los residentes no necesitan cuenta para ver ni para hablar."),
        ["signin.failed"] = ("The e-mail or password is not right, or the account is locked for a while.", "El correo o la contraseña no son correctos, o la cuenta está bloqueada por un tiempo."),
        ["signin.error"] = ("Signing in did not work; please try again.", "No se pudo iniciar sesión; inténtelo de nuevo."),
        ["email"] = ("E-mail", "Correo electrónico"),
        ["password"] = ("Password", "Contraseña"),
        ["language"] = ("Español", "English"),
        ["agenda"] = ("Agenda", "Agenda"),
        ["join"] = ("How to take part", "Cómo participar"),
        ["join.web"] = ("On the web: this page shows the meeting live; sign up here to speak when public comment opens.", "En la web: esta página muestra la reunión en vivo; inscríbase aquí para hablar cuando se abran los comentarios."),
        ["join.phone"] = ("By phone: call {0} and enter access code {1}. Press *9 to raise your hand.", "Por teléfono: llame al {0} y marque el código {1}. Oprima *9 para levantar la mano."),
        ["join.room"] = ("In person: {0}. Fill in a speaker card for the clerk.", "En persona: {0}. Llene una tarjeta para hablar y entréguela al secretario."),
        ["status"] = ("Status", "Estado"),
        ["status.Draft"] = ("Draft", "Borrador"), ["status.Published"] = ("Scheduled", "Programada"), ["status.Live"] = ("In session", "En sesión"),
        ["status.Recessed"] = ("In recess", "En receso"), ["status.Adjourned"] = ("Adjourned", "Terminada"), ["status.Cancelled"] = ("Cancelled", "Cancelada"),
        ["current"] = ("Now", "Ahora"),
        ["current.item"] = ("Current item", "Tema actual"),
        ["no.item"] = ("No item yet.", "Todavía no hay tema."),
        ["comment.open"] = ("Public comment is open", "Se reciben comentarios del público"),
        ["comment.closed"] = ("Public comment is not open", "No se reciben comentarios ahora"),
        ["speaking"] = ("Speaking", "Hablando"),
        ["nobody.speaking"] = ("Nobody has the floor.", "Nadie tiene la palabra."),
        ["time.left"] = ("Time left", "Tiempo restante"),
        ["paused"] = ("Paused", "En pausa"),
        ["signup"] = ("Sign up to speak", "Inscribirse para hablar"),
        ["name"] = ("Name as you wish to be called", "Nombre con el que desea que le llamen"),
        ["stance"] = ("Your position (optional)", "Su posición (opcional)"),
        ["stance.none"] = ("Not saying", "Prefiero no decir"), ["stance.Support"] = ("Support", "A favor"), ["stance.Oppose"] = ("Oppose", "En contra"), ["stance.Neutral"] = ("Neutral", "Neutral"),
        ["interpreter"] = ("I will use an interpreter (twice the time)", "Usaré intérprete (el doble de tiempo)"),
        ["phone.optional"] = ("Mobile number for a text when you are next (optional, never shown)", "Celular para avisarle por texto cuando le toque (opcional, nunca se muestra)"),
        ["signup.done"] = ("You are in line. Your place: {0}.", "Está en la fila. Su lugar: {0}."),
        ["withdraw"] = ("Withdraw", "Retirarse"),
        ["queue"] = ("Speakers", "Oradores"),
        ["speaker.Waiting"] = ("Waiting", "En espera"), ["speaker.OnDeck"] = ("Next", "Sigue"), ["speaker.Speaking"] = ("Speaking", "Hablando"),
        ["speaker.Done"] = ("Done", "Terminó"), ["speaker.Withdrawn"] = ("Withdrawn", "Se retiró"), ["speaker.NoShow"] = ("Not present", "No se presentó"),
        ["your.turn"] = ("It is your turn to speak.", "Es su turno de hablar."),
        ["you"] = ("you", "usted"),
        ["watch"] = ("Watch the meeting", "Ver la reunión"),
        ["watch.frame"] = ("Livestream of the meeting", "Transmisión en vivo de la reunión"),
        ["watch.link"] = ("Open the livestream", "Abrir la transmisión en vivo"),
        ["watch.captions"] = ("Live captions", "Subtítulos en vivo"),
        ["written"] = ("Leave a written comment", "Dejar un comentario escrito"),
        ["written.text"] = ("Comment", "Comentario"),
        ["send"] = ("Send", "Enviar"),
        ["sent"] = ("Thank you; your comment is on the record.", "Gracias; su comentario quedó registrado."),
        ["motions"] = ("Motions and votes", "Mociones y votaciones"),
        ["member"] = ("Member", "Miembro"),
        ["vote"] = ("Vote", "Voto"),
        ["announce.item"] = ("Now on item {0}: {1}", "Ahora en el tema {0}: {1}"),
        ["announce.result"] = ("Vote result: {0}. {1}", "Resultado de la votación: {0}. {1}"),
        ["moved.by"] = ("Moved by {0}", "Propuesta por {0}"),
        ["seconded.by"] = ("seconded by {0}", "secundada por {0}"),
        ["result"] = ("Result", "Resultado"),
        ["state.AwaitingSecond"] = ("Awaiting a second", "Espera apoyo"), ["state.OnFloor"] = ("On the floor", "En discusión"), ["state.Voting"] = ("Voting", "En votación"),
        ["state.Passed"] = ("Passed", "Aprobada"), ["state.Failed"] = ("Failed", "Rechazada"), ["state.NoQuorum"] = ("No quorum", "Sin quórum"), ["state.Withdrawn"] = ("Withdrawn", "Retirada"),
        ["vote.Aye"] = ("Aye", "Sí"), ["vote.Nay"] = ("Nay", "No"), ["vote.Abstain"] = ("Abstain", "Abstención"), ["vote.Recuse"] = ("Recused", "Se excusa"), ["vote.Absent"] = ("Absent", "Ausente"),
        ["tally"] = ("{0} aye, {1} nay, {2} abstain, {3} recused, {4} absent", "{0} sí, {1} no, {2} abstenciones, {3} excusados, {4} ausentes"),
        ["quorum"] = ("Quorum", "Quórum"),
        ["quorum.text"] = ("{0} of {1} needed present", "{0} presentes de {1} necesarios"),
        ["reconnecting"] = ("Connection lost. Reconnecting; you will catch up automatically.", "Se perdió la conexión. Reconectando; se pondrá al día automáticamente."),
        ["offline"] = ("Offline. Reload the page to reconnect.", "Sin conexión. Recargue la página para reconectar."),
        ["not.allowed"] = ("This page ({0}) needs you to sign in with the right account.", "Esta página ({0}) requiere iniciar sesión con la cuenta adecuada."),
        ["loading"] = ("Loading…", "Cargando…"),
        ["display"] = ("Chamber display", "Pantalla de la sala"),
        ["clerk.console"] = ("Clerk console", "Consola del secretario"),
        ["official.tablet"] = ("Official's tablet", "Tableta del funcionario"),
        // Clerk console
        ["c.start"] = ("Call to order", "Abrir la sesión"), ["c.recess"] = ("Recess", "Receso"), ["c.resume"] = ("Resume", "Reanudar"), ["c.adjourn"] = ("Adjourn", "Levantar la sesión"),
        ["c.keys"] = ("Keys: N call next · S start the turn · P pause or resume · E end the turn · + add 30 seconds",
                      "Teclas: N llamar al siguiente · S iniciar el turno · P pausar o reanudar · E terminar el turno · + sumar 30 segundos"),
        ["c.speaker"] = ("Speaker", "Orador"), ["c.resumeTurn"] = ("Resume (P)", "Reanudar (P)"), ["c.pause"] = ("Pause (P)", "Pausar (P)"),
        ["c.extend"] = ("+30 s (+)", "+30 s (+)"), ["c.end"] = ("End turn (E)", "Terminar turno (E)"), ["c.interpreterShort"] = ("interpreter", "intérprete"),
        ["c.queueFor"] = ("Queue for {0}", "Fila para {0}"), ["c.queue"] = ("Queue", "Fila"),
        ["c.openComment"] = ("Open public comment", "Abrir comentarios del público"), ["c.closeComment"] = ("Close public comment", "Cerrar comentarios del público"),
        ["c.next"] = ("Call next (N)", "Llamar al siguiente (N)"), ["c.queueLabel"] = ("Speaker queue", "Fila de oradores"),
        ["c.up"] = ("Move {0} up", "Subir a {0}"), ["c.down"] = ("Move {0} down", "Bajar a {0}"),
        ["c.startTurn"] = ("Start turn", "Dar la palabra"), ["c.noShow"] = ("No-show", "No se presentó"),
        ["c.cardName"] = ("Name on the speaker card", "Nombre en la tarjeta"), ["c.position"] = ("Position", "Posición"), ["c.interpreter"] = ("Interpreter", "Intérprete"),
        ["c.addCard"] = ("Add card", "Agregar tarjeta"), ["c.card"] = ("Speaker card", "Tarjeta de orador"),
        ["c.roll"] = ("Roll call", "Pase de lista"), ["c.presence"] = ("Presence", "Asistencia"), ["c.basis"] = ("Legal basis if remote", "Fundamento legal si es remota"),
        ["c.InRoom"] = ("In the room", "En la sala"), ["c.Remote"] = ("Remote", "Remota"), ["c.Absent"] = ("Absent", "Ausente"),
        ["c.presenceOf"] = ("Presence of {0}", "Asistencia de {0}"), ["c.basisFor"] = ("Legal basis for {0}", "Fundamento legal para {0}"),
        ["c.recordRoll"] = ("Record roll call", "Registrar el pase de lista"),
        ["c.motions"] = ("Motions", "Mociones"), ["c.movedBy"] = ("Moved by", "Propuesta por"), ["c.motion"] = ("Motion", "Moción"), ["c.needs"] = ("Needs", "Requiere"),
        ["c.Majority"] = ("Majority of votes cast", "Mayoría de los votos emitidos"), ["c.MajorityOfSeats"] = ("Majority of seats", "Mayoría de los escaños"), ["c.TwoThirds"] = ("Two-thirds", "Dos tercios"),
        ["c.recordMotion"] = ("Record motion", "Registrar la moción"), ["c.secondedBy"] = ("Seconded by {0}", "Apoyada por {0}"),
        ["c.openVote"] = ("Open the vote", "Abrir la votación"), ["c.closeVote"] = ("Close the vote", "Cerrar la votación"),
        ["c.phone"] = ("Phone", "Teléfono"), ["c.phoneOff"] = ("Phone participation is off (Twilio is not configured).", "La participación por teléfono está desactivada (Twilio no está configurado)."),
        ["c.phoneLine"] = ("{0} listening by phone · line {1} · code {2} · chamber code {3}", "{0} escuchando por teléfono · línea {1} · código {2} · código de la sala {3}"),
        ["c.stream"] = ("Livestream", "Transmisión en vivo"), ["c.streamUrl"] = ("Stream address (https)", "Dirección de la transmisión (https)"),
        ["c.captionsUrl"] = ("Live captions address (https, optional)", "Dirección de los subtítulos (https, opcional)"),
        ["c.saveStream"] = ("Save the stream", "Guardar la transmisión"), ["c.streamSaved"] = ("Saved.", "Guardado."),
        ["c.notices"] = ("Notices", "Avisos"), ["c.notice"] = ("Notice", "Aviso"), ["c.due"] = ("Due", "Para"), ["c.sent"] = ("Sent", "Enviados"), ["c.failed"] = ("Failed", "Fallidos"),
        ["c.noNotices"] = ("No notices yet.", "Todavía no hay avisos."), ["c.takeUp"] = ("Take up {0}", "Tratar {0}"),
        ["documents.of"] = ("Documents for item {0}", "Documentos del tema {0}"), ["document.amended"] = ("added after posting", "agregado después de publicar"),
        ["d.upload"] = ("Add a document", "Agregar un documento"), ["d.item"] = ("Item", "Tema"), ["d.choose"] = ("Choose an item", "Elija un tema"),
        ["d.title"] = ("Title (optional)", "Título (opcional)"), ["d.file"] = ("File (PDF or office document)", "Archivo (PDF o documento de oficina)"),
        ["d.missing"] = ("Choose an item and a file.", "Elija un tema y un archivo."), ["d.done"] = ("{0} was added.", "Se agregó {0}."),
        // Minutes
        ["m.title"] = ("Minutes", "Acta"), ["m.preview"] = ("Preview the draft", "Ver el borrador"),
        ["m.afterAdjournment"] = ("Minutes are written once the meeting is adjourned.", "El acta se redacta cuando se levanta la sesión."),
        ["m.facts"] = ("Attendance, motions, votes, speakers and times come from the meeting's record and cannot be edited here; write the narrative of each item.",
                       "La asistencia, las mociones, los votos, los oradores y las horas vienen del registro de la sesión y no se editan aquí; escriba la narración de cada tema."),
        ["m.general"] = ("The meeting as a whole", "La sesión en general"), ["m.narrativeOf"] = ("Narrative", "Narración"),
        ["m.narrativeFor"] = ("Narrative for item {0}", "Narración del tema {0}"), ["m.save"] = ("Save", "Guardar"), ["m.saved"] = ("Saved.", "Guardado."),
        ["m.approve"] = ("Approval", "Aprobación"), ["m.approveFirst"] = ("Approve the minutes", "Aprobar el acta"),
        ["m.approveCorrection"] = ("Approve the corrected minutes", "Aprobar el acta corregida"),
        ["m.correction"] = ("What changed, and why (required for a correction)", "Qué cambió y por qué (necesario para una corrección)"),
        ["m.versions"] = ("Approved versions", "Versiones aprobadas"), ["m.noVersions"] = ("None yet.", "Ninguna todavía."),
        ["m.version"] = ("Version {0}, approved {1}", "Versión {0}, aprobada el {1}"), ["m.approved"] = ("Version {0} approved.", "Versión {0} aprobada."),
        ["m.unavailable"] = ("The minutes could not be loaded.", "No se pudo cargar el acta."), ["m.open"] = ("Minutes", "Acta"),
        // Official's tablet
        ["o.ask"] = ("Ask to speak", "Pedir la palabra"), ["o.waiting"] = ("You are waiting to be recognized (number {0}).", "Espera que le den la palabra (número {0})."),
        ["o.withdraw"] = ("Withdraw request", "Retirar la solicitud"), ["o.recognized"] = ("The chair has recognized you.", "La presidencia le dio la palabra."),
        ["o.vote"] = ("Vote: {0}", "Votación: {0}"), ["o.yourVote"] = ("Your vote:", "Su voto:"), ["o.notCast"] = ("not cast yet", "todavía no emitido"),
        ["o.confirmQ"] = ("Cast your vote as {0} on “{1}”?", "¿Votar {0} sobre «{1}»?"), ["o.confirmLabel"] = ("Confirm: vote {0} on {1}", "Confirmar: votar {0} sobre {1}"),
        ["o.confirm"] = ("Confirm {0}", "Confirmar {0}"), ["o.cancel"] = ("Cancel", "Cancelar"), ["o.voteLabel"] = ("Vote {0} on the motion: {1}", "Votar {0} sobre la moción: {1}"),
        ["o.make"] = ("Make a motion", "Presentar una moción"), ["o.move"] = ("Move", "Proponer"), ["o.secondLabel"] = ("Second the motion: {0}", "Apoyar la moción: {0}"),
        ["o.second"] = ("Second", "Apoyar"), ["o.withdrawMotion"] = ("Withdraw my motion", "Retirar mi moción"),
        ["o.noSeat"] = ("You do not hold a seat on {0}.", "Usted no ocupa un escaño en {0}."), ["o.recorded"] = ("Your vote, {0}, is recorded.", "Su voto, {0}, quedó registrado."),
    };

    public string Language { get; private set; } = "en";
    public event Action? Changed;

    public string this[string key] => Words.TryGetValue(key, out var w) ? (Language == "es" ? w.Es : w.En) : key;

    public string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, this[key], args);

    public CultureInfo Culture => CultureInfo.GetCultureInfo(Language == "es" ? "es-MX" : "en-US");

    public async Task LoadAsync()
    {
        Language = await js.InvokeAsync<string?>("localStorage.getItem", "meetings.lang") == "es" ? "es" : "en";
        await js.InvokeVoidAsync("meetings.setLang", Language);
    }

    public async Task ToggleAsync()
    {
        Language = Language == "es" ? "en" : "es";
        await js.InvokeVoidAsync("localStorage.setItem", "meetings.lang", Language);
        await js.InvokeVoidAsync("meetings.setLang", Language);
        Changed?.Invoke();
    }
}
