/** Field builders shared by the catalogue's schema groups. */
import * as v from "valibot";

export const sid = { session_id: v.string() };
export const opt = v.optional;
/** The session a standalone tool call was tied to, when it was given one. */
export const optSid = { session_id: opt(v.nullable(v.string())) };
export const strings = v.array(v.string());
export const loose = <T extends v.ObjectEntries>(e: T) => v.looseObject(e);
/** What a session ended having spent (on its terminal event). */
export const totals = {
  turns: opt(v.number()),
  model_calls: opt(v.number()),
  tokens: opt(v.number()),
  cost_usd: opt(v.number()),
};
export const phase = v.picklist([
  "big_bang",
  "pal_router",
  "double_diamond",
  "resilience",
  "evaluation",
  "secondary_loop",
]);
export const evolutionKind = v.picklist(["evolve_step", "ralph"]);
