// Reading the Dashboard's HTTP API: JSON on success, the ProblemDetails' words on failure.

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

interface Problem {
  title?: string;
  detail?: string;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  if (response.ok) return (await response.json()) as T;
  let problem: Problem = {};
  try {
    problem = (await response.json()) as Problem;
  } catch {
    // Not a ProblemDetails body (a proxy's error page): the status says enough.
  }
  const text = response.status === 503
    ? "History is not answering right now; try again in a moment."
    : problem.detail ?? problem.title ?? `The server answered ${response.status}.`;
  throw new ApiError(text, response.status);
}

interface FullProblem extends Problem {
  errors?: Record<string, string[]>;
}

/** The words of a ProblemDetails answer: the title and detail, and each field's errors (a 400 names them). */
export function problemMessage(problem: FullProblem, status: number): string {
  const fields = Object.values(problem.errors ?? {}).flat();
  const parts = [problem.title, problem.detail, ...fields].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(" ") : `The server answered ${status}.`;
}

/** A command to the Dashboard's HTTP API (POST, DELETE) with an optional JSON body: the JSON answer on success, an
 * ApiError with the ProblemDetails' words otherwise. The session cookie goes with it (same origin). */
export async function sendJson<T>(method: "POST" | "DELETE", url: string, body?: unknown,
  headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (response.ok) return (await response.json()) as T;
  let problem: FullProblem = {};
  try {
    problem = (await response.json()) as FullProblem;
  } catch {
    // A 401 has no body, nor has a proxy's error page: the status says enough.
  }
  const text = response.status === 401 ? "Sign in as an operator first." : problemMessage(problem, response.status);
  throw new ApiError(text, response.status);
}
