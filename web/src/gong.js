// The wooden gong (mõ) in the browser, synthesised with WebAudio: no sound file to download. A strike
// is a short hollow "tốc": two sine partials of a wooden slit drum (about 620 Hz and its 2.7× overtone)
// with a fast attack and an exponential decay under 0.4 s, plus a click of filtered noise for the
// mallet. A pattern "3-1" is groups of strikes: three quick strikes, a pause, one strike.
//
// Browsers start audio only after the user has touched the page (the autoplay rule). gong.play()
// tries; when the AudioContext stays suspended it reports `blocked`, and the page shows a
// "Bật âm thanh" button whose click calls gong.unlock() (inside the gesture) and plays what waited.
// The mute switch is kept in localStorage ("tiengmo.gongMuted").
const MUTE_KEY = 'tiengmo.gongMuted';
const STRIKE_GAP = 0.24; // seconds between strikes of a group
const GROUP_GAP = 0.85; // seconds between groups

let ctx = null;
let pending = null; // the pattern waiting for an unlock
const listeners = new Set();

function readMuted() {
  try { return localStorage.getItem(MUTE_KEY) === '1'; } catch (e) { return false; }
}

let state = { muted: readMuted(), blocked: false, supported: typeof window !== 'undefined' && !!(window.AudioContext || window.webkitAudioContext) };

function set(next) {
  state = { ...state, ...next };
  listeners.forEach((fn) => fn(state));
}

// { muted, blocked, supported }; subscribe(fn) calls fn(state) on each change, returns unsubscribe.
export function gongState() { return state; }
export function subscribeGong(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function context() {
  if (!state.supported) return null;
  if (!ctx) {
    const AC = window.AudioContext || window.webkitAudioContext;
    ctx = new AC();
  }
  return ctx;
}

// "3-1" → [3, 1]; anything odd → [3]. At most 6 groups of at most 9 strikes.
export function parsePattern(p) {
  const groups = String(p || '').split(/[-\s,]+/).map(Number).filter((n) => Number.isInteger(n) && n > 0 && n < 10);
  return groups.length ? groups.slice(0, 6) : [3];
}

function strike(ac, at) {
  const out = ac.createGain();
  out.gain.setValueAtTime(0.0001, at);
  out.gain.exponentialRampToValueAtTime(0.9, at + 0.004);
  out.gain.exponentialRampToValueAtTime(0.0001, at + 0.38);
  out.connect(ac.destination);
  [[620, 1], [1680, 0.35]].forEach(([freq, level]) => {
    const o = ac.createOscillator();
    const g = ac.createGain();
    o.type = 'sine';
    o.frequency.setValueAtTime(freq * 1.04, at);
    o.frequency.exponentialRampToValueAtTime(freq, at + 0.05);
    g.gain.value = level;
    o.connect(g);
    g.connect(out);
    o.start(at);
    o.stop(at + 0.4);
  });
  // the mallet's click: a few milliseconds of band-passed noise
  const n = Math.floor(ac.sampleRate * 0.02);
  const buf = ac.createBuffer(1, n, ac.sampleRate);
  const d = buf.getChannelData(0);
  for (let i = 0; i < n; i++) d[i] = (Math.random() * 2 - 1) * (1 - i / n);
  const src = ac.createBufferSource();
  const bp = ac.createBiquadFilter();
  const cg = ac.createGain();
  src.buffer = buf;
  bp.type = 'bandpass';
  bp.frequency.value = 2500;
  cg.gain.value = 0.25;
  src.connect(bp);
  bp.connect(cg);
  cg.connect(out);
  src.start(at);
}

function schedule(ac, pattern, repeats) {
  let at = ac.currentTime + 0.05;
  for (let r = 0; r < repeats; r++) {
    parsePattern(pattern).forEach((count) => {
      for (let i = 0; i < count; i++) {
        strike(ac, at);
        at += STRIKE_GAP;
      }
      at += GROUP_GAP;
    });
    at += GROUP_GAP;
  }
}

// Sounds the pattern (twice by default) unless muted. Returns 'played', 'muted', 'blocked' (waits
// for unlock()) or 'unsupported'.
export async function playGong(pattern, repeats = 2) {
  if (state.muted) return 'muted';
  const ac = context();
  if (!ac) return 'unsupported';
  if (ac.state !== 'running') {
    try { await Promise.race([ac.resume(), new Promise((r) => setTimeout(r, 300))]); } catch (e) { /* blocked */ }
  }
  if (ac.state !== 'running') {
    pending = { pattern, repeats };
    set({ blocked: true });
    return 'blocked';
  }
  schedule(ac, pattern, repeats);
  if (state.blocked) set({ blocked: false });
  return 'played';
}

// Call from a click: lets the page make sound from now on and plays what was waiting.
export async function unlockGong() {
  const ac = context();
  if (!ac) return;
  try { await ac.resume(); } catch (e) { return; }
  set({ blocked: ac.state !== 'running' });
  if (ac.state === 'running' && pending) {
    const p = pending;
    pending = null;
    if (!state.muted) schedule(ac, p.pattern, p.repeats);
  }
}

export function setGongMuted(muted) {
  try { localStorage.setItem(MUTE_KEY, muted ? '1' : '0'); } catch (e) { /* storage may be off */ }
  if (muted) pending = null;
  set({ muted, blocked: muted ? false : state.blocked });
}
