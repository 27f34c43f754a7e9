/**
 * The tool registry: a flat list of tool definitions. Adding a group is one file exporting an
 * array plus one line here. Tool modules stay light; handlers import what they need.
 */
import type { ToolDef } from "../tool.ts";
import { assistTools } from "./assist.ts";
import { autoTools } from "./auto.ts";
import { evaluationTools } from "./evaluation.ts";
import { executionTools } from "./execution.ts";
import { interviewTools } from "./interview.ts";
import { jobTools } from "./jobs.ts";
import { lineageTools } from "./lineage.ts";
import { seedTools } from "./seed.ts";
import { statusTools } from "./status.ts";

export const TOOLS: ToolDef[] = [
  ...interviewTools,
  ...autoTools,
  ...seedTools,
  ...executionTools,
  ...jobTools,
  ...statusTools,
  ...evaluationTools,
  ...lineageTools,
  ...assistTools,
];
