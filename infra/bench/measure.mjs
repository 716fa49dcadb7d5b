// Run by infra/bench.sh against a published server on loopback.
import { chromium } from 'playwright-core';
import crypto from 'node:crypto';
import http from 'node:http';

// A response that finishes after its browser closed must not end the run.
process.on('unhandledRejection', () => {});

// Body bytes of one response as sent (no decompression), asking for the given encoding.
const sentBytes = (url, encoding) => new Promise((resolve, reject) => {
  http.get(url, { headers: { 'accept-encoding': encoding } }, res => {
    let n = 0;
    res.on('data', chunk => { n += chunk.length; });
    res.on('end', () => resolve(n));
  }).on('error', reject);
});

const base = process.argv[2];
const meetings = await (await fetch(`${base}/api/meetings`)).json();
// The hearing infra/Meetings.Bench --prepare-only made and opened: the one meeting in session.
const meeting = meetings.find(m => m.status === 'Live');

// 1. A resident's first visit: every byte over the wire until the live page has loaded.
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await (await browser.newContext()).newPage();
let bytes = 0, requests = 0;
const urls = [];
page.on('requestfinished', async r => { const s = await r.sizes(); bytes += s.responseBodySize + s.responseHeadersSize; requests++; urls.push(r.url()); });
const started = Date.now();
await page.goto(`${base}/meetings/${meeting.id}`, { waitUntil: 'networkidle' });
await page.getByRole('heading', { level: 1 }).waitFor();
console.log(`resident first visit: ${(bytes / 1024 / 1024).toFixed(2)} MB in ${requests} requests, page ready in ${Date.now() - started} ms, as Chromium fetched them`);
await browser.close();

// The same resources fetched again asking for Brotli, as any modern browser does over HTTPS: the bodies as sent.
let brotli = 0;
for (const url of urls.filter(u => u.startsWith(base) && !u.includes('/hubs/'))) {
  brotli += await sentBytes(url, 'br');
}
console.log(`resident first visit, bodies with Brotli: ${(brotli / 1024 / 1024).toFixed(2)} MB`);

// 1b. The same first visit on a weak phone connection, as Chromium throttles it (1.6 Mbit/s down, 750 kbit/s up,
// 150 ms round trip), to a meeting in session with a speaker on the floor (infra/Meetings.Bench --prepare-only set it
// up): the bytes received (as sent, compressed) before the first contentful paint, when the meeting's title shows, when
// the speaker on the floor shows (the live state), and the whole visit. A fresh browser, so nothing is cached.
{
  const slow = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const context = await slow.newContext({ viewport: { width: 360, height: 740 } });
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
  // Bytes as they arrive, per request (a finished request's own total replaces its running count), over time.
  const received = new Map(), timeline = [];
  let t0 = Date.now();
  const total = () => [...received.values()].reduce((a, b) => a + b, 0);
  const note = () => timeline.push([Date.now() - t0, total()]);
  cdp.on('Network.dataReceived', e => { received.set(e.requestId, (received.get(e.requestId) ?? 0) + e.encodedDataLength); note(); });
  cdp.on('Network.loadingFinished', e => { received.set(e.requestId, e.encodedDataLength); note(); });
  t0 = Date.now();
  await p.goto(`${base}/meetings/${meeting.id}`, { waitUntil: 'commit' });
  await p.getByRole('heading', { level: 1 }).filter({ hasText: meeting.title }).waitFor({ timeout: 120_000 });
  const titled = Date.now() - t0, beforeTitle = total();
  await p.getByText('Room speaker').first().waitFor({ timeout: 120_000 });
  const live = Date.now() - t0;
  await p.waitForLoadState('networkidle', { timeout: 120_000 });
  const all = Date.now() - t0;
  const fcp = await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  const beforePaint = fcp === null ? null : timeline.filter(([t]) => t <= fcp).reduce((a, [, b]) => Math.max(a, b), 0);
  const kb = n => `${(n / 1024).toFixed(0)} KB`;
  console.log(`resident first visit, throttled (1.6 Mbit/s, 150 ms): first content at ${fcp === null ? '?' : (fcp / 1000).toFixed(1) + ' s'} ` +
    `with ${beforePaint === null ? '?' : kb(beforePaint)} before it; title shown after ${(titled / 1000).toFixed(1)} s (${kb(beforeTitle)} before it); ` +
    `the speaker on the floor after ${(live / 1000).toFixed(1)} s; ${(total() / 1024 / 1024).toFixed(2)} MB in all by ${(all / 1000).toFixed(1)} s`);
  await slow.close();
}

// 2. TwiML answers: a call arriving, signed as Twilio signs it; 500 sequential requests.
const url = 'https://meetings.example.gov/phone/voice';
const form = { AccountSid: 'AC00000000000000000000000000000001', CallSid: 'CA1', From: '+15035550100', To: '+15550100100' };
const data = url + Object.keys(form).sort().map(k => k + form[k]).join('');
const signature = crypto.createHmac('sha1', 'bench-token').update(data).digest('base64');
const times = [];
for (let i = 0; i < 500; i++) {
  const t = performance.now();
  const r = await fetch(`${base}/phone/voice`, { method: 'POST', body: new URLSearchParams(form), headers: { 'X-Twilio-Signature': signature } });
  await r.text();
  if (r.status !== 200) throw new Error(`status ${r.status}`);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = p => times[Math.floor(p * (times.length - 1))].toFixed(2);
console.log(`TwiML /phone/voice: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms over ${times.length} requests`);
