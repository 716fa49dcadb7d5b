// Stands in for Twilio's Voice SDK (lib/twilio-voice-sdk/twilio.min.js) in the browser test, which cannot reach
// Twilio: the same surface the page uses (Device, connect, the call's events), recording what the page asked for.
// Like the real SDK, connecting asks for the microphone and fails with Twilio's error 31401 when it is refused.
(() => {
  const record = window.__voice = { tokens: [], connects: [], updates: [], destroyed: 0, call: null };
  class Emitter {
    constructor() { this.handlers = {}; }
    on(event, handler) { (this.handlers[event] ??= []).push(handler); return this; }
    emit(event, ...args) { (this.handlers[event] ?? []).forEach(h => h(...args)); }
  }
  class Call extends Emitter {
    disconnect() { this.emit('disconnect', this); }
  }
  class Device extends Emitter {
    constructor(token, options) { super(); record.tokens.push(token); record.options = options; }
    updateToken(token) { record.updates.push(token); }
    async connect(options) {
      record.connects.push(options);
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        stream.getTracks().forEach(t => t.stop());
      } catch (e) {
        const error = new Error('UserMediaError: Permission denied');
        error.code = 31401;
        throw error;
      }
      const call = record.call = new Call();
      setTimeout(() => call.emit('accept', call), 10);
      return call;
    }
    destroy() { record.destroyed++; }
  }
  // The test's way to make the connection drop, as a lost network would.
  record.drop = () => record.call?.emit('disconnect', record.call);
  window.Twilio = { Device };
})();
