/**
 * The dashboard's root component: a session list and one session's live view. A single poll
 * loop asks the store whether anything was committed (its last seq, one indexed lookup) and only
 * then reads rows past the cursor, so an idle dashboard costs almost nothing.
 */
import { useApp, useInput, useWindowSize, type Key } from "ink";
import { useEffect, useRef, useState } from "react";
import type { SessionRow } from "../events/read.ts";
import type { DashboardSource } from "./source.ts";
import { nextElapsedChange } from "./describe.ts";
import { reduceAll, type SessionView } from "./state.ts";
import { KeyHelp, SessionList, SessionScreen } from "./views.tsx";

/**
 * Poll periods. With a watch (the SQLite directory, or PostgreSQL's LISTEN), commits wake the dashboard at once and the slow poll is
 * only a safety net; without one, one fast period plus a frame (≤ 33 ms) stays under 250 ms.
 */
export const POLL_MS = 80;
export const WATCHED_POLL_MS = 500;
const MIN_REFRESH_MS = 30;
const LIST_HELP = "↑/↓ j/k move  enter open  q quit";
const SESSION_HELP = "↑/↓ j/k select AC  g/G first/last  PgUp/PgDn [/] scroll events  esc/s sessions  q quit";

export interface AppProps {
  source: DashboardSource;
  initialSession: string | null;
  /** Called after each frame that showed new events (benchmarks measure latency with it). */
  onFrame?: (lastSeq: number) => void;
}

const NO_KEY = {} as Key;
type Screen = { kind: "list" } | { kind: "session"; id: string };

export function App({ source, initialSession, onFrame }: AppProps) {
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  const [screen, setScreen] = useState<Screen>(
    initialSession ? { kind: "session", id: initialSession } : { kind: "list" },
  );
  const [sessions, setSessions] = useState<SessionRow[]>([]);
  const [listSel, setListSel] = useState(0);
  const [view, setView] = useState<SessionView | null>(null);
  const [acSel, setAcSel] = useState(0);
  const [tailOffset, setTailOffset] = useState(0);
  const [now, setNow] = useState(Date.now());
  const cursor = useRef(0);

  // Load the screen's first frame, then follow the log from its cursor.
  useEffect(() => {
    let loaded = false;
    // Set when the screen changes: reads still in flight must not touch the next screen's state.
    let gone = false;
    const step = async () => {
      if (screen.kind === "list") {
        if ((await source.changed()) || !loaded) {
          const rows = await source.sessions();
          if (!gone) setSessions(rows);
        }
        loaded = true;
        return;
      }
      if (!loaded) {
        await source.changed();
        const v = await source.load(screen.id);
        if (!v || gone) return;
        loaded = true;
        cursor.current = v.lastSeq;
        setView(v);
        return;
      }
      if (!(await source.changed())) return;
      for (;;) {
        const events = await source.eventsAfter(screen.id, cursor.current);
        if (gone || !events.length) break;
        cursor.current = events[events.length - 1]!.rowid;
        setView((prev) => (prev ? reduceAll(prev, events) : prev));
        if (events.length < 5000) break;
      }
    };
    // One read at a time (a remote store answers in milliseconds, not microseconds); a wake
    // during a read runs one more after it.
    let busy = false;
    let again = false;
    const refresh = () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      step()
        .catch((e) => {
          source.error = e instanceof Error ? e.message : String(e);
        })
        .finally(() => {
          busy = false;
          if (again && !gone) {
            again = false;
            refresh();
          }
        });
    };
    // A busy writer fires many file events per second: coalesce them, at most one read per frame.
    let pending: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const wake = () => {
      pending ??= setTimeout(
        () => {
          pending = null;
          last = performance.now();
          refresh();
        },
        Math.max(0, last + MIN_REFRESH_MS - performance.now()),
      );
    };
    let timer: ReturnType<typeof setInterval> | null = null;
    let watched = false;
    const tick = () => {
      // Arm the watch once the store is open (a SQLite file may appear only after the first run starts).
      if (!watched && source.open && source.watch(wake)) {
        watched = true;
        if (timer) clearInterval(timer);
        timer = setInterval(tick, WATCHED_POLL_MS);
      }
      refresh();
    };
    tick();
    if (!timer) timer = setInterval(tick, POLL_MS);
    return () => {
      gone = true;
      if (timer) clearInterval(timer);
      if (pending) clearTimeout(pending);
    };
  }, [screen, source]);

  useEffect(() => {
    if (view && onFrame) onFrame(view.lastSeq);
  }, [view, onFrame]);

  // Elapsed times are redrawn only when their text changes (each second early on, then each
  // minute), and only while the session can still change: an idle dashboard stays idle.
  const live = screen.kind === "session" && view !== null && (view.status === "running" || view.status === "paused");
  const selTool = view?.acs[view.order[acSel] ?? ""]?.tool?.at;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `now` re-arms the timer after each tick.
  useEffect(() => {
    if (!live || !view?.startedAt) return;
    const t = Date.now();
    const ages = [t - Date.parse(view.startedAt), ...(selTool ? [t - Date.parse(selTool)] : [])].filter(
      Number.isFinite,
    );
    const timer = setTimeout(() => setNow(Date.now()), nextElapsedChange(ages));
    return () => clearTimeout(timer);
  }, [live, now, view?.startedAt, selTool]);

  // Keys typed faster than a frame arrive as one chunk ("jjj"); handle them one by one.
  useInput((input, key) => {
    if (input.length > 1 && !key.ctrl && !key.meta) for (const ch of input) onKey(ch, NO_KEY);
    else onKey(input, key);
  });

  function onKey(input: string, key: Key) {
    if (input === "q" || (key.ctrl && input === "c")) {
      exit();
      return;
    }
    if (screen.kind === "list") {
      if (key.upArrow || input === "k") setListSel((i) => Math.max(0, i - 1));
      else if (key.downArrow || input === "j") setListSel((i) => Math.min(Math.max(0, sessions.length - 1), i + 1));
      else if (key.return || key.rightArrow) {
        const s = sessions[listSel];
        if (s) {
          setView(null);
          setAcSel(0);
          setTailOffset(0);
          setScreen({ kind: "session", id: s.session_id });
        }
      }
      return;
    }
    const n = view?.order.length ?? 0;
    if (key.upArrow || input === "k") setAcSel((i) => Math.max(0, i - 1));
    else if (key.downArrow || input === "j") setAcSel((i) => Math.min(Math.max(0, n - 1), i + 1));
    else if (input === "g") setAcSel(0);
    else if (input === "G") setAcSel(Math.max(0, n - 1));
    else if (key.pageUp || input === "[")
      setTailOffset((o) => Math.min(Math.max(0, (view?.tail.length ?? 1) - 1), o + 5));
    else if (key.pageDown || input === "]") setTailOffset((o) => Math.max(0, o - 5));
    else if (key.escape || input === "s" || key.leftArrow) {
      setView(null);
      setScreen({ kind: "list" });
    }
  }

  const width = Math.max(20, columns);
  const height = Math.max(6, rows - 1);
  if (screen.kind === "list") {
    return (
      <SessionList
        sessions={sessions}
        selected={listSel}
        width={width}
        height={height}
        dbPath={source.label}
        message={source.error}
        help={LIST_HELP}
      />
    );
  }
  if (!view) {
    return (
      <>
        <KeyHelp text={`loading session ${screen.id}…`} width={width} />
        <KeyHelp text={SESSION_HELP} width={width} />
      </>
    );
  }
  return (
    <SessionScreen
      v={view}
      selected={Math.min(acSel, Math.max(0, view.order.length - 1))}
      tailOffset={tailOffset}
      width={width}
      height={height}
      now={now}
      help={SESSION_HELP}
    />
  );
}
