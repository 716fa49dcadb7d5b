// Browser audio for a web speaker. Loaded by the resident page only when it is needed: it loads Twilio's
// Voice SDK (served with the client, lib/twilio-voice-sdk), checks the microphone with a level meter, and
// joins the meeting's conference with an access token from the server. The page hears every change
// through `page.invokeMethodAsync('VoiceChanged', state, detail)`.
const sdkUrl = 'lib/twilio-voice-sdk/twilio.min.js';
let device = null, call = null, meter = null;

function loadSdk() {
  if (window.Twilio?.Device) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = sdkUrl;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('The audio software could not be loaded.'));
    document.head.append(script);
  });
}

// What a refused or missing microphone looks like, from the browser or from the SDK (31401, 31402, 31208).
function microphoneProblem(error) {
  const name = error?.name ?? '';
  const code = error?.code;
  if (name === 'NotAllowedError' || name === 'SecurityError' || code === 31401 || code === 31208) return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || code === 31402) return 'no-microphone';
  return null;
}

// Listens to the microphone for a few seconds and reports the loudest level (0 to 100) as it goes.
export async function testMicrophone(page, seconds = 5) {
  stopMeter();
  // Made while the click that asked for it still counts, so the browser lets it run.
  const context = new AudioContext();
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    await context.close();
    return microphoneProblem(error) ?? 'error';
  }
  if (context.state === 'suspended') await context.resume();
  const analyser = context.createAnalyser();
  // A window longer than the interval between readings, so no sound falls between two of them.
  analyser.fftSize = 8192;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  let loudest = 0;
  const started = performance.now();
  await new Promise(resolve => {
    const timer = setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      const level = Math.round(Math.max(...samples.map(s => Math.abs(s - 128))) / 128 * 100);
      loudest = Math.max(loudest, level);
      page.invokeMethodAsync('MicrophoneLevel', level);
      if (performance.now() - started > seconds * 1000) resolve();
    }, 100);
    meter = { timer, done: resolve };
  });
  stopMeter();
  stream.getTracks().forEach(t => t.stop());
  await context.close();
  return loudest > 2 ? 'ok' : 'silent';
}

function stopMeter() {
  if (!meter) return;
  clearInterval(meter.timer);
  meter.done();
  meter = null;
}

// Joins the conference: the server placed this identity in it, muted until the clerk gives the floor.
export async function join(page, token, language) {
  leave();
  try {
    await loadSdk();
  } catch (error) {
    page.invokeMethodAsync('VoiceChanged', 'failed', error.message);
    return;
  }
  device = new window.Twilio.Device(token, { closeProtection: true, logLevel: 'error' });
  device.on('error', error => {
    const problem = microphoneProblem(error);
    page.invokeMethodAsync('VoiceChanged', problem ?? 'failed', String(error?.message ?? error));
  });
  // Tokens are short-lived: ask the server for a fresh one before this one runs out.
  device.on('tokenWillExpire', async () => {
    const fresh = await page.invokeMethodAsync('FreshVoiceToken');
    if (fresh) device?.updateToken(fresh);
  });
  page.invokeMethodAsync('VoiceChanged', 'connecting', '');
  try {
    call = await device.connect({ params: { lang: language } });
  } catch (error) {
    page.invokeMethodAsync('VoiceChanged', microphoneProblem(error) ?? 'failed', String(error?.message ?? error));
    return;
  }
  call.on('accept', () => page.invokeMethodAsync('VoiceChanged', 'connected', ''));
  call.on('disconnect', () => page.invokeMethodAsync('VoiceChanged', 'disconnected', ''));
  call.on('cancel', () => page.invokeMethodAsync('VoiceChanged', 'disconnected', ''));
  call.on('reconnecting', () => page.invokeMethodAsync('VoiceChanged', 'reconnecting', ''));
  call.on('reconnected', () => page.invokeMethodAsync('VoiceChanged', 'connected', ''));
  call.on('error', error => page.invokeMethodAsync('VoiceChanged', microphoneProblem(error) ?? 'failed', String(error?.message ?? error)));
}

export function leave() {
  stopMeter();
  try { call?.disconnect(); } catch { /* already gone */ }
  try { device?.destroy(); } catch { /* already gone */ }
  call = null;
  device = null;
}
