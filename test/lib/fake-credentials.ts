/**
 * Fake credentials for leak tests: one per vendor, shaped like the real thing where a shape exists,
 * so both value redaction and token-shape redaction are exercised. None is a real secret.
 */
export const FAKE_CREDENTIALS: Record<string, string> = {
  ANTHROPIC_API_KEY: "sk-ant-fake-anthropic-0123456789abcdef",
  OPENAI_API_KEY: "sk-proj-fake-openai-0123456789abcdef",
  GH_TOKEN: "ghp_fakeGhToken0123456789abcdefABCDEF",
  GITHUB_TOKEN: "github_pat_fake_0123456789abcdefABCDEF",
  COPILOT_TOKEN: "fake-copilot-token-0123456789",
  GEMINI_API_KEY: "fake-gemini-key-0123456789abcdef",
  OPENROUTER_API_KEY: "sk-or-fake-openrouter-0123456789",
  KIRO_API_KEY: "fake-kiro-key-0123456789abcdef",
  AWS_SECRET_ACCESS_KEY: "fakeAwsSecret0123456789abcdefABCDEF",
  // Only claude's descriptor (secretEnv) marks this one a credential: its name escapes the generic rules.
  AWS_BEARER_TOKEN_BEDROCK: "fake-bedrock-bearer-0123456789abcdef",
  MY_SERVICE_TOKEN: "fake-custom-token-0123456789",
};

/** Every fake value found in `text`, by variable name. */
export function leaked(text: string, names: readonly string[] = Object.keys(FAKE_CREDENTIALS)): string[] {
  return names.filter((k) => text.includes(FAKE_CREDENTIALS[k]!));
}
