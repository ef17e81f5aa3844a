/** A clean environment for child processes: only what a shell needs, plus the test's own variables. */
export function childEnv(vars: Record<string, string>): Record<string, string> {
  const inherited: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: process.env.LANG ?? "C.UTF-8",
  };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(inherited)) if (value !== undefined) env[key] = value;
  return { ...env, ...vars };
}
