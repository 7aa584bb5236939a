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
