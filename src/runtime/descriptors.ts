/**
 * Static descriptors only (no parsers, no argv builders), so the dry-run and `runtimes` load a
 * few small files. A new runtime adds one line here and one in registry.ts; both are checked
 * for completeness by the compiler (`satisfies`) and for agreement by the unit tests.
 */
import { descriptor as claude } from "../../adapters/claude/descriptor.ts";
import { descriptor as codex } from "../../adapters/codex/descriptor.ts";
import { descriptor as copilot } from "../../adapters/copilot/descriptor.ts";
import { descriptor as gemini } from "../../adapters/gemini/descriptor.ts";
import { descriptor as hermes } from "../../adapters/hermes/descriptor.ts";
import { descriptor as kiro } from "../../adapters/kiro/descriptor.ts";
import { descriptor as opencode } from "../../adapters/opencode/descriptor.ts";
import type { RuntimeDescriptor, RuntimeName } from "./contract.ts";

export const DESCRIPTORS = { claude, codex, opencode, gemini, copilot, kiro, hermes } as const satisfies Record<RuntimeName, RuntimeDescriptor>;
