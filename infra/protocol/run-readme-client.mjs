// Runs the README's live-protocol example exactly as written, for Meetings.Tests/Live/ReadmeClientTests.cs.
// Usage: node run-readme-client.mjs SERVER MEETING_ID TOKEN
// It prints "joined N" once joined; then, for each sequence number read on stdin, the snapshot it holds once it
// has reached that sequence (or after 15 seconds), as one line of JSON. Loopback only; ends when stdin closes.
import { readFileSync, writeFileSync } from "node:fs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const example = readme.split("<!-- live-protocol-example -->")[1].match(/```js\n([\s\S]*?)```/)[1];
const [server, meetingId, token] = process.argv.slice(2).map(a => JSON.stringify(a));
const harness = `
import { createInterface } from "node:readline";
const server = ${server}, meetingId = ${meetingId}, token = ${token};
${example}
console.log("joined " + meeting.sequence);
for await (const line of createInterface({ input: process.stdin })) {
  const target = Number(line), until = Date.now() + 15000;
  while (meeting.sequence < target && Date.now() < until) await new Promise(r => setTimeout(r, 20));
  console.log(JSON.stringify(meeting));
}
await hub.stop();
`;
const file = new URL("./readme-client.generated.mjs", import.meta.url);
writeFileSync(file, harness);
await import(file.href);
