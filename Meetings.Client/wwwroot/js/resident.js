// The resident page's script. The server renders the page (Meetings.Server/Residents/ResidentPage.razor) so it reads
// with no script at all; this keeps it live without WebAssembly: it joins the meeting hub with SignalR's JavaScript
// client, re-renders the regions that change from each snapshot it receives, announces what matters to screen
// readers, and takes sign-ups, withdrawals and written comments. The markup here follows the server's, region by
// region (same elements, classes and words), so the page looks the same before and after the script takes over.
(() => {
  'use strict';
  const main = document.getElementById('content');
  const meetingId = main.dataset.meeting;
  const words = JSON.parse(main.dataset.words);
  const language = main.dataset.lang;
  const line = {
    browserAudio: main.dataset.browserAudio === 'true',
    phone: main.dataset.phone,
    accessCode: main.dataset.accessCode,
  };
  const $ = id => document.getElementById(id);

  // Words: the server's language files, with .NET's {0} blanks.
  const T = key => words[key] ?? key;
  const F = (key, ...args) => T(key).replace(/\{(\d+)\}/g, (_, i) => String(args[+i] ?? ''));
  const esc = value => String(value ?? '').replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

  // A link that asked for a language keeps the choice for the rest of the web client too (the server set the cookie).
  if (new URLSearchParams(location.search).get('lang')) localStorage.setItem('meetings.lang', language);

  // A resident's secret, kept in this browser so a reload keeps their place in line (the web client's format and key).
  const token = (() => {
    const kept = localStorage.getItem('meetings.resident');
    if (kept && kept.length >= 16) return kept;
    const fresh = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))));
    localStorage.setItem('meetings.resident', fresh);
    return fresh;
  })();

  // `broken`: a patch failed part-way through the snapshot held, which waits to be replaced by a catch-up's answer.
  let snapshot = null, personKey = null, sequence = 0, clockOffset = 0, live = false, broken = false;

  // Live: join, take every update that follows the last one held, ask for the meeting as it is after a gap.

  // Never gives up: tries again at once, then about once a second (jittered, so a crowd coming back after a restart
  // is spread out) for ten tries, then every 8-12 s; as the web client does.
  const pause = tries => tries === 0 ? 0 : tries < 10 ? 500 + Math.random() * 1000 : 8000 + Math.random() * 4000;
  const hub = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/meeting')
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ({ previousRetryCount }) => pause(previousRetryCount) })
    .configureLogging(signalR.LogLevel.None)
    .build();
  // Two shapes of update: the events with the whole snapshot, or (newer servers) the events with an RFC 6902 patch
  // from the snapshot at `from` to the one at `sequence`. A gap, a resync or a patch that does not apply: catch up.
  let newerWhileJoining = 0;
  hub.on('MeetingUpdated', update => receive(update, false));
  // `rejoining`: the update Rejoin answered, from the sequence held to now (its patch sets the server's time even
  // when nothing else changed).
  function receive(update, rejoining) {
    if (update.snapshot) {
      if (snapshot && update.events?.length && update.events[0].sequence > sequence + 1) catchUp();
      else if (update.snapshot.sequence > sequence) take(update.snapshot);
      return;
    }
    if (!snapshot) { newerWhileJoining = Math.max(newerWhileJoining, update.sequence ?? 0); return; }
    if (update.sequence < sequence || (update.sequence === sequence && !rejoining)) return;
    // While joining again or catching up, an update may overtake the answer and start from the snapshot it brings:
    // kept, then applied after it (the server follows the meeting for this page before it has worked out the answer).
    if ((joining || catching) && !rejoining) { overtaking.push(update); return; }
    if (broken || update.resync || update.from !== sequence || !Array.isArray(update.patch)) { catchUp(); return; }
    try {
      const next = applyPatch(snapshot, update.patch);
      if (next?.sequence !== update.sequence) throw new Error('the patch did not reach its sequence');
      take(next);
    } catch {
      // Patched in place and failed part-way: what is held is no longer the snapshot at `sequence`. It is patched no
      // more, and the catch-up's answer replaces it even at the same sequence; the catch-up still asks only for what
      // came after `sequence` (asked from the start, it read the whole journal, which an address may do only so often).
      broken = true;
      catchUp();
    }
  }
  hub.onreconnecting(() => banner('reconnecting'));
  hub.onreconnected(() => join().catch(startAgain));
  // A first start that fails, or a connection that closes for good (the server refused it), starts again the same way.
  let starts = 0;
  const startAgain = () => { banner('reconnecting'); setTimeout(start, pause(++starts)); };
  hub.onclose(startAgain);

  async function start() {
    try {
      // Connected already when it was the join that failed: then only the join is tried again.
      if (hub.state === signalR.HubConnectionState.Disconnected) await hub.start();
      starts = 0;
      await join();
    } catch {
      startAgain();
    }
  }

  // Coming back with the meeting in hand, the page asks only for what changed since (Rejoin); the first time, for all of it.
  let joining = false;
  async function join() {
    joining = true;
    let joined;
    try {
      joined = snapshot ? await hub.invoke('Rejoin', meetingId, token, sequence) : await hub.invoke('Join', meetingId, token);
    } finally {
      joining = false;
    }
    personKey = joined.personKey;
    live = true;
    banner(null);
    if (joined.update) receive(joined.update, true);
    else if (joined.snapshot.sequence >= sequence || broken) take(joined.snapshot);
    for (const update of overtaking.splice(0)) receive(update, false);
    if (newerWhileJoining > sequence) catchUp();
  }

  let catching = false, again = false, overtaking = [], refusals = 0;
  async function catchUp() {
    if (catching) { again = true; return; }
    catching = true;
    let refused = false;
    try {
      const caught = await hub.invoke('EventsAfter', meetingId, sequence);
      if (caught.snapshot.sequence >= sequence || broken) take(caught.snapshot);
    } catch {
      // Refused while connected (asked too often, or the server could not answer just then): asked again after a pause
      // that doubles with each refusal in a row (about 1, 2, 4 s up to 30 s), or the page would stay behind until the
      // meeting's next change. A lost connection's join catches up.
      refused = hub.state === signalR.HubConnectionState.Connected;
    }
    catching = false;
    refusals = refused ? refusals + 1 : 0;
    for (const update of overtaking.splice(0)) receive(update, false);
    if (again) { again = false; catchUp(); }
    else if (refused) setTimeout(catchUp, Math.min(30000, 1000 * 2 ** (refusals - 1)) * (0.5 + Math.random()));
  }

  // RFC 6902 JSON Patch (add, remove, replace, move, copy, test) applied in place; a failure throws, and the caller
  // catches up, which replaces the whole snapshot.
  function applyPatch(document, operations) {
    const tokens = path => {
      if (path !== '' && !path.startsWith('/')) throw new Error(`'${path}' is not a JSON Pointer`);
      return path.split('/').slice(1).map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    };
    const index = (key, max) => {
      if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) > max) throw new Error(`'${key}' is not an index here`);
      return Number(key);
    };
    const child = (node, key) => {
      if (Array.isArray(node)) return node[index(key, node.length - 1)];
      if (node !== null && typeof node === 'object' && Object.hasOwn(node, key)) return node[key];
      throw new Error(`nothing at '${key}'`);
    };
    const parent = path => { const t = tokens(path); return [t.slice(0, -1).reduce(child, document), t[t.length - 1]]; };
    const add = (path, value) => {
      if (path === '') { document = value; return; }
      const [node, key] = parent(path);
      if (Array.isArray(node)) node.splice(key === '-' ? node.length : index(key, node.length), 0, value);
      else if (node !== null && typeof node === 'object') node[key] = value;
      else throw new Error(`no container at '${path}'`);
    };
    const remove = path => {
      if (path === '') { const whole = document; document = null; return whole; }
      const [node, key] = parent(path);
      if (Array.isArray(node)) return node.splice(index(key, node.length - 1), 1)[0];
      if (node !== null && typeof node === 'object' && Object.hasOwn(node, key)) { const value = node[key]; delete node[key]; return value; }
      throw new Error(`nothing at '${path}'`);
    };
    for (const op of operations) {
      switch (op.op) {
        case 'add': add(op.path, op.value); break;
        case 'remove': remove(op.path); break;
        case 'replace': remove(op.path); add(op.path, op.value); break;
        case 'move': add(op.path, remove(op.from)); break;
        case 'copy': add(op.path, structuredClone(tokens(op.from).reduce(child, document))); break;
        case 'test':
          if (JSON.stringify(tokens(op.path).reduce(child, document)) !== JSON.stringify(op.value)) throw new Error(`test failed at '${op.path}'`);
          break;
        default: throw new Error(`unknown operation '${op.op}'`);
      }
    }
    return document;
  }

  function take(next) {
    const first = snapshot === null;
    snapshot = next;
    broken = false;
    sequence = next.sequence;
    clockOffset = Date.parse(next.serverTime) - Date.now();
    render();
    announce(first);
  }

  function banner(state) {
    const b = $('banner');
    b.hidden = state === null;
    b.textContent = state === null ? '' : T(state);
  }

  /** Runs a hub command; null when it worked, else the server's words. */
  async function run(method, ...args) {
    try {
      await hub.invoke(method, ...args);
      return null;
    } catch (e) {
      const message = String(e?.message ?? e);
      const marker = message.indexOf('HubException: ');
      return hub.state !== signalR.HubConnectionState.Connected ? T('reconnecting')
        : marker < 0 ? message : message.slice(marker + 'HubException: '.length);
    }
  }

  // What the snapshot says.

  const current = () => snapshot.agenda.find(i => i.id === snapshot.currentItemId);
  const openItems = () => snapshot.agenda.filter(i => i.commentOpen);
  const active = e => e.state === 'Waiting' || e.state === 'OnDeck' || e.state === 'Speaking';
  // Once the meeting is adjourned nobody is in line any more, whatever the queue last said.
  const mine = () => ['Live', 'Recessed'].includes(snapshot.meeting.status)
    ? snapshot.speakers.filter(e => personKey && e.personKey === personKey && active(e)) : [];
  const speakerName = e => e.name ?? T('name.hidden');
  const seat = id => { const m = snapshot.members.find(m => m.seatId === id); return m ? m.name ?? m.title : '?'; };
  const place = e => snapshot.speakers.filter(s => s.itemId === e.itemId && (s.state === 'Waiting' || s.state === 'OnDeck'))
    .findIndex(s => s.id === e.id) + 1;

  function secondsLeft(endsAt, left) {
    return endsAt ? Math.ceil((Date.parse(endsAt) - (Date.now() + clockOffset)) / 1000) : (left ?? 0);
  }
  const clock = s => `${s < 0 ? '-' : ''}${Math.floor(Math.abs(s) / 60)}:${String(Math.abs(s) % 60).padStart(2, '0')}`;
  const timer = e => `<span class="timer" role="timer" aria-label="${esc(T('time.left'))}" data-ends="${esc(e.endsAt ?? '')}" data-left="${esc(e.secondsLeft ?? '')}">${clock(secondsLeft(e.endsAt, e.secondsLeft))}</span>`;

  // Rendering: each region is rebuilt from the snapshot and replaced only when its markup changed.

  function set(element, html) {
    if (element && element.dataset.html !== html) {
      element.innerHTML = html;
      element.dataset.html = html;
    }
  }

  function render() {
    const s = snapshot, m = s.meeting;
    const status = $('status');
    status.textContent = T(`status.${m.status}`);
    status.classList.toggle('live', m.status === 'Live');
    renderNow();
    renderSignUp();
    renderMine();
    renderQueue();
    renderMotions();
    renderAgenda();
    renderComments();
    const written = $('written-region');
    if (written) {
      written.hidden = !['Published', 'Live', 'Recessed'].includes(m.status);
      $('written-form').hidden = !live;
      $('written-script').hidden = live;
    }
  }

  function renderNow() {
    const item = current(), speaker = snapshot.speaking;
    set($('now-body'),
      `<p>${esc(item ? `${item.number}. ${item.title}` : T('no.item'))}</p>` +
      `<p>${esc(T(item?.commentOpen ? 'comment.open' : 'comment.closed'))}</p>` +
      `<h2>${esc(T('speaking'))}</h2>` +
      (speaker
        ? `<p><strong>${esc(speakerName(speaker))}</strong> ${speaker.endsAt ? '' : `(${esc(T('paused'))})`}</p>${timer(speaker)}`
        : `<p>${esc(T('nobody.speaking'))}</p>`));
  }

  function renderSignUp() {
    const open = openItems();
    const select = $('item');
    const options = open.map(i => `<option value="${esc(i.id)}">${esc(`${i.number}. ${i.title}`)}</option>`).join('');
    if (select.dataset.html !== options) {
      const chosen = select.value;
      set(select, options);
      if (open.some(i => i.id === chosen)) select.value = chosen;
    }
    $('signup').hidden = !live || open.length === 0;
    $('signup-closed').hidden = open.length > 0;
    $('signup-script').hidden = live || open.length === 0;
  }

  function renderQueue() {
    const itemId = current()?.id ?? openItems()[0]?.id;
    const queue = snapshot.speakers.filter(e => e.itemId === itemId && active(e));
    $('queue-region').hidden = queue.length === 0;
    set($('queue-list'), queue.map(e => {
      const own = personKey && e.personKey === personKey;
      return `<li${own ? ' class="mine"' : ''}><span>${esc(speakerName(e))}${own ? ` (${esc(T('you'))})` : ''}</span> <span class="badge">${esc(T(`speaker.${e.state}`))}</span></li>`;
    }).join(''));
  }

  function renderMotions() {
    const s = snapshot;
    $('motions-region').hidden = s.motions.length === 0;
    set($('motion-list'), [...s.motions].reverse().map(motion => {
      const threshold = words[`threshold.${motion.threshold}`] ?? motion.threshold;
      let html = `<article class="panel" aria-label="${esc(motion.text)}"><h3>${esc(motion.text)}</h3><p>` +
        esc(F('moved.by', seat(motion.moverSeatId)) + (motion.seconderSeatId ? `, ${F('seconded.by', seat(motion.seconderSeatId))}` : '')) +
        `. <span class="badge">${esc(T(`state.${motion.state}`))}</span> <span class="note">(${esc(threshold)})</span></p>`;
      if (Object.keys(motion.votes).length > 0) {
        html += `<table><caption class="visually-hidden">${esc(T('motions'))}</caption>` +
          `<thead><tr><th scope="col">${esc(T('member'))}</th><th scope="col">${esc(T('vote'))}</th></tr></thead><tbody>` +
          s.members.map(m => `<tr><th scope="row">${esc(m.name ?? m.title)}</th><td>${esc(motion.votes[m.seatId] ? T(`vote.${motion.votes[m.seatId]}`) : '—')}</td></tr>`).join('') +
          `</tbody></table><p>${esc(tally(motion))}</p><p class="note">${esc(T(`silence.${motion.silenceCountsAs}`))}</p>`;
      }
      return html + '</article>';
    }).join(''));
  }

  const tally = m => F('tally', m.ayes, m.nays, m.abstentions, m.recusals, m.absent, m.notVoting);

  function renderAgenda() {
    set($('agenda-list'), snapshot.agenda.map(item => {
      const now = item.id === snapshot.currentItemId;
      const documents = item.documents?.length
        ? `<ul class="documents" aria-label="${esc(F('documents.of', item.number))}">` + item.documents.map(d =>
          `<li><a href="${esc(d.url)}" download="${esc(d.fileName)}">${esc(d.title)}</a> <span class="note">(${esc(kind(d.fileName))}, ${esc(size(d.size))})</span>` +
          (d.amended ? ` <span class="badge">${esc(T('document.amended'))}</span>` : '') + '</li>').join('') + '</ul>'
        : '';
      return `<li class="${item.parentId ? 'sub' : ''}" aria-current="${now}"><span class="number">${esc(item.number)}</span> <span class="title">${esc(item.title)}</span>` +
        (now ? ` <span class="badge live">${esc(T('current'))}</span>` : '') +
        (item.commentOpen ? ` <span class="badge">${esc(T('comment.open'))}</span>` : '') + documents + '</li>';
    }).join(''));
  }

  const kind = fileName => (fileName.includes('.') ? fileName.slice(fileName.lastIndexOf('.') + 1) : '').toUpperCase();
  const size = bytes => bytes >= 1_000_000 ? `${Math.round(bytes / 100_000) / 10} MB` : `${Math.max(1, Math.floor(bytes / 1000))} KB`;

  function renderComments() {
    const s = snapshot;
    $('comments-region').hidden = s.writtenComments.length === 0;
    set($('comment-list'), s.writtenComments.map(c =>
      `<li><strong>${esc(c.name)}</strong> (${esc(s.agenda.find(i => i.id === c.itemId)?.number ?? '')}): ${esc(c.text)}</li>`).join(''));
  }

  // Announcements for screen readers: the current item, a vote's result, the resident's own turn.

  let announcedItem = null;
  const results = new Set();
  function announce(first) {
    const s = snapshot;
    let message = null;
    if (s.currentItemId !== announcedItem) {
      const item = current();
      if (item && !first) message = F('announce.item', item.number, item.title);
      announcedItem = s.currentItemId;
    }
    for (const m of s.motions.filter(m => ['Passed', 'Failed', 'NoQuorum'].includes(m.state) && !results.has(m.id))) {
      results.add(m.id);
      if (!first) message = F('announce.result', T(`state.${m.state}`), tally(m));
    }
    if (s.speaking && personKey && s.speaking.personKey === personKey) message = T('your.turn');
    if (message !== null && $('announce').textContent !== message) $('announce').textContent = message;
  }

  // The resident's own sign-ups: their place, withdrawing, and being heard from this browser (Twilio's Voice SDK,
  // loaded with js/voice.js only when someone uses it).

  const voices = new Map();
  let voiceModule = null;
  const loadVoice = async () => voiceModule ??= await import('/js/voice.js');

  function voiceOf(entryId) {
    if (!voices.has(entryId)) voices.set(entryId, { state: 'idle', detail: '', test: null, testing: false, level: 0 });
    return voices.get(entryId);
  }

  // What voice.js calls back, in the shape of the web client's component it was written for.
  const voicePage = entryId => ({
    invokeMethodAsync: async (name, ...args) => {
      if (name === 'FreshVoiceToken') return voiceToken(entryId);
      // A sign-up already out of line hears nothing more (leaving the call reports its own end).
      const v = voices.get(entryId);
      if (!v) return null;
      if (name === 'VoiceChanged') { [v.state, v.detail] = args; renderMine(); }
      else if (name === 'MicrophoneLevel') { v.level = args[0]; $('micLevel')?.setAttribute('value', String(v.level)); }
      return null;
    },
  });

  async function voiceToken(entryId) {
    const response = await fetch(`/api/meetings/${meetingId}/speakers/${entryId}/voice-token`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ residentToken: token }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) return body.token;
    const v = voiceOf(entryId);
    [v.state, v.detail] = ['failed', body.detail ?? body.title ?? String(response.status)];
    renderMine();
    return null;
  }

  function renderMine() {
    if (!snapshot) return;
    const entries = mine();
    // A sign-up no longer in line (turn over, withdrawn) leaves the call.
    for (const id of [...voices.keys()].filter(id => !entries.some(e => e.id === id))) {
      voices.delete(id);
      voiceModule?.leave();
    }
    set($('mine'), entries.map(e =>
      (e.state !== 'Speaking'
        ? `<p role="status">${esc(F('signup.done', place(e)))} <button type="button" class="secondary" data-withdraw="${esc(e.id)}">${esc(T('withdraw'))} (${esc(speakerName(e))})</button></p>`
        : '') +
      (e.source === 'Web' ? speakFromHere(e) : '')).join(''));
  }

  function speakFromHere(e) {
    const v = voiceOf(e.id);
    const hint = line.phone && line.accessCode ? ` ${F('voice.phone', line.phone, line.accessCode)}` : '';
    let html = e.state === 'Speaking'
      ? `<div class="floor" role="status"><h3>${esc(T('voice.floor'))}</h3>${timer(e)}${v.state === 'connected' ? `<p>${esc(T('voice.floorNote'))}</p>` : ''}</div>`
      : '';
    if (!line.browserAudio) return html;
    const says = {
      idle: `<p>${esc(T('voice.intro'))}</p>`,
      connecting: `<p role="status">${esc(T('voice.connecting'))}</p>`,
      connected: e.state === 'Speaking' ? '' : `<p role="status">${esc(T('voice.listening'))}</p>`,
      reconnecting: `<p role="status">${esc(T('voice.reconnecting'))}</p>`,
      disconnected: `<p role="alert">${esc(T('voice.dropped'))}</p>`,
      denied: `<p role="alert" class="error">${esc(T('voice.denied') + hint)}</p>`,
      'no-microphone': `<p role="alert" class="error">${esc(T('voice.nomic') + hint)}</p>`,
      failed: `<p role="alert" class="error">${esc(F('voice.failed', v.detail) + hint)}</p>`,
    };
    const inCall = ['connecting', 'connected', 'reconnecting'].includes(v.state);
    html += `<h3>${esc(T('voice.title'))}</h3>${says[v.state] ?? ''}<div class="row">` +
      (inCall
        ? `<button type="button" class="secondary" data-voice="leave" data-entry="${esc(e.id)}">${esc(T('voice.leave'))}</button>`
        : `<button type="button" data-voice="join" data-entry="${esc(e.id)}">${esc(T(v.state === 'idle' ? 'voice.join' : 'voice.rejoin'))}</button>` +
          `<button type="button" class="secondary" data-voice="test" data-entry="${esc(e.id)}"${v.testing ? ' disabled' : ''}>${esc(T('voice.test'))}</button>`) +
      '</div>';
    if (v.testing || v.test !== null) {
      const result = v.testing ? T('voice.testing')
        : { ok: T('voice.ok'), silent: T('voice.silent'), denied: T('voice.denied'), 'no-microphone': T('voice.nomic') }[v.test] ?? F('voice.failed', v.test);
      html += `<p><label for="micLevel">${esc(T('voice.level'))}</label><meter id="micLevel" min="0" max="100" low="3" high="90" value="${v.level}"></meter> <span role="status">${esc(result)}</span></p>`;
    }
    return html;
  }

  async function voiceAction(action, entryId) {
    const v = voiceOf(entryId);
    if (action === 'test') {
      Object.assign(v, { testing: true, test: null, level: 0 });
      renderMine();
      try {
        v.test = await (await loadVoice()).testMicrophone(voicePage(entryId), 4);
      } catch (error) {
        v.test = String(error?.message ?? error);
      }
      v.testing = false;
    } else if (action === 'join') {
      const fresh = await voiceToken(entryId);
      if (!fresh) return;
      v.state = 'connecting';
      renderMine();
      try {
        await (await loadVoice()).join(voicePage(entryId), fresh, language);
      } catch (error) {
        [v.state, v.detail] = ['failed', String(error?.message ?? error)];
      }
    } else if (action === 'leave') {
      voiceModule?.leave();
      v.state = 'idle';
    }
    renderMine();
  }

  // What the resident does.

  main.addEventListener('click', async event => {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.dataset.withdraw) showError('signup-error', await run('WithdrawSignUp', meetingId, token, button.dataset.withdraw));
    else if (button.dataset.voice) await voiceAction(button.dataset.voice, button.dataset.entry);
  });

  $('signup').addEventListener('submit', async event => {
    event.preventDefault();
    const value = id => $(id)?.value.trim() ?? '';
    showError('signup-error', await run('SignUpToSpeak', meetingId, token, {
      itemId: value('item'), name: value('name'), stance: value('stance') || null, usesInterpreter: $('interpreter').checked,
      phone: value('phone') || null, callMe: $('callme')?.checked ?? false, language,
    }));
  });

  $('written-form')?.addEventListener('submit', async event => {
    event.preventDefault();
    const error = await run('SubmitWrittenComment', meetingId, token, $('witem').value, $('wname').value.trim(), $('wtext').value.trim());
    showError('written-error', error);
    $('written-sent').textContent = error === null ? T('sent') : '';
    if (error === null) $('wtext').value = '';
  });

  function showError(id, message) {
    $(id).hidden = message === null;
    $(id).textContent = message ?? '';
  }

  // Every screen counts down from the server's end time, corrected by the server's clock.
  setInterval(() => {
    if (!snapshot) return;
    for (const t of document.querySelectorAll('.timer')) {
      const left = secondsLeft(t.dataset.ends, t.dataset.left === '' ? null : Number(t.dataset.left));
      t.textContent = clock(left);
      t.classList.toggle('warn', left > 0 && left <= 30);
      t.classList.toggle('over', left <= 0);
    }
  }, 250);

  start();
})();
