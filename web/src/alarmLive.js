// The open alarms of the logged-in user's scope, kept live for the whole tab: one shared list that the
// banner (AppShell) and the alarm pages read through useLiveAlarms(). It loads
// GET /api/v1/alarms?status=open and the kinds (with their gong patterns) once, then follows the
// event stream's alarm.* events (stream.js: the tab's one EventSource), asking for the whole list again
// each time the stream (re)opens. While the stream is not open it asks every few seconds while the tab
// is visible (tests shorten it with localStorage "tiengmo.alarmsPollMs", at least 200 ms); while it is
// open, only every 60 s, as a safety net.
//
// A new alarm still "raised" (nobody has answered) sounds its kind's gong pattern once; so does an
// alarm that escalates to the commune.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { isOpen, kindPattern } from './alarms.js';
import { playGong } from './gong.js';
import { subscribe, onOpen, isOpen as streamOpen } from './stream.js';

const EVENTS = ['alarm.raised', 'alarm.acknowledged', 'alarm.responding', 'alarm.escalated', 'alarm.resolved'];
let state = { alarms: [], kinds: [], loaded: false, error: null, version: 0 };
const listeners = new Set();
const sounded = new Set(); // "id" and "id:escalated" already sounded
let running = false;
let timer = null;
let unsubscribers = [];

function set(next) {
  state = { ...state, ...next, version: state.version + 1 };
  listeners.forEach((fn) => fn(state));
}

export function pollMs() {
  let v = 0;
  try { v = Number(localStorage.getItem('tiengmo.alarmsPollMs')); } catch (e) { v = 0; }
  return v >= 200 ? v : 5000;
}

function sound(alarm) {
  if (!alarm || alarm.status !== 'raised') return;
  const key = alarm.escalated ? `${alarm.id}:escalated` : String(alarm.id);
  if (sounded.has(key)) return;
  sounded.add(key);
  playGong(kindPattern(alarm.kind, state.kinds));
}

function sortNewest(list) {
  return list.sort((a, b) => b.id - a.id);
}

// Puts one alarm (from an event or an answer of ours) into the list, or takes it out once closed.
export function applyAlarm(alarm) {
  if (!alarm || !alarm.id) return;
  const rest = state.alarms.filter((a) => a.id !== alarm.id);
  set({ alarms: isOpen(alarm) ? sortNewest([...rest, alarm]) : rest });
  sound(alarm);
}

async function refresh() {
  try {
    const res = await api.get('/api/v1/alarms?status=open&limit=100');
    const list = sortNewest(res.data || []);
    set({ alarms: list, loaded: true, error: null });
    list.forEach(sound);
  } catch (err) {
    set({ loaded: true, error: err });
  }
}

function schedule() {
  clearTimeout(timer);
  if (!running) return;
  timer = setTimeout(async () => {
    if (document.visibilityState !== 'hidden') await refresh();
    schedule();
  }, streamOpen() ? Math.max(pollMs(), 60000) : pollMs());
}

// Starts following (once per tab); stopAlarms() ends it (at logout).
export async function startAlarms() {
  if (running) return;
  running = true;
  try {
    const k = await api.get('/api/v1/alarm-kinds');
    set({ kinds: k.data || [] });
  } catch (e) { /* the gong falls back to its default pattern */ }
  if (!running) return; /* stopped (logged out) meanwhile */
  unsubscribers.push(subscribe(EVENTS, (name, data) => { if (running && data) applyAlarm(data); }));
  unsubscribers.push(onOpen(() => { if (running) refresh(); }));
  await refresh();
  schedule();
  const onVisible = () => { if (document.visibilityState === 'visible' && running) refresh(); };
  document.addEventListener('visibilitychange', onVisible);
  unsubscribers.push(() => document.removeEventListener('visibilitychange', onVisible));
}

export function stopAlarms() {
  running = false;
  clearTimeout(timer);
  unsubscribers.forEach((fn) => fn());
  unsubscribers = [];
  state = { alarms: [], kinds: state.kinds, loaded: false, error: null, version: 0 };
}

// Asks again now (after an answer, or when a page opens).
export function reloadAlarms() {
  return refresh();
}

// The shared state { alarms, kinds, loaded, error, version } and a re-render on each change.
export function useLiveAlarms() {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => listeners.delete(setS);
  }, []);
  return s;
}

export { EVENTS as ALARM_EVENTS };
