// The hub connection: automatic reconnect, a visible state, and a re-sync after every (re)connect.
import {
  HttpTransportType,
  HubConnection,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type IHttpConnectionOptions,
  type IRetryPolicy,
  type RetryContext,
} from "@microsoft/signalr";

export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "offline";

/** A delay spread by up to half of it more (at least up to 1 s), so pages that lost the Dashboard together do not
 * all come back in the same instant. */
export function jitter(ms: number, random: () => number = Math.random): number {
  return Math.round(ms + random() * Math.max(ms / 2, 1000));
}

/** Retries soon at first, then about every 5 s, each spread by {@link jitter}; after a minute of failures the page
 * says "offline" and keeps trying. */
export const retryPolicy: IRetryPolicy = {
  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    if (context.elapsedMilliseconds > 60_000) return null;
    return jitter([0, 1000, 2000, 5000][Math.min(context.previousRetryCount, 3)]!);
  },
};

/** The wait before the next try of something that failed `attempt` times in a row: 1 s doubling up to 30 s, spread
 * by up to half. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(1000 * 2 ** attempt, 30_000);
  return Math.round(base + random() * base / 2);
}

/**
 * WebSockets only, without the negotiate request: behind a load balancer with several Dashboard replicas, negotiate and
 * the transport's requests could reach different replicas, and a replica does not know a connection another one
 * negotiated. One WebSocket is one TCP connection, so it stays on the replica it reached; no sticky sessions needed.
 */
export const transportOptions: IHttpConnectionOptions = { transport: HttpTransportType.WebSockets, skipNegotiation: true };

export interface LiveConnectionEvents {
  status(status: ConnectionStatus): void;
  /** Called after the first connect and after every reconnect: fetch the snapshot again. */
  connected(): Promise<void> | void;
  /** Called when a connect failed. */
  failed?(): Promise<void> | void;
}

export class LiveConnection {
  readonly hub: HubConnection;
  private restartTimer: number | undefined;
  private stopping = false;

  constructor(url: string, private readonly events: LiveConnectionEvents) {
    this.hub = new HubConnectionBuilder().withUrl(url, transportOptions).withAutomaticReconnect(retryPolicy).configureLogging(LogLevel.Warning).build();
    this.hub.onreconnecting(() => events.status("reconnecting"));
    this.hub.onreconnected(() => this.onConnected());
    this.hub.onclose(() => {
      if (this.stopping) return;
      events.status("offline");
      this.scheduleStart(jitter(5000));
    });
  }

  /** Connects; a retry after a failure keeps showing "offline" until it succeeds. */
  async start(retry = false): Promise<void> {
    this.stopping = false;
    if (!retry) this.events.status("connecting");
    try {
      await this.hub.start();
      await this.onConnected();
    } catch {
      this.events.status("offline");
      void this.events.failed?.();
      this.scheduleStart(jitter(3000));
    }
  }

  /** Reconnects with new credentials (the hub sees the sign-in cookie only on a new connection). */
  async restart(): Promise<void> {
    this.stopping = true;
    window.clearTimeout(this.restartTimer);
    await this.hub.stop();
    await this.start();
  }

  private async onConnected(): Promise<void> {
    this.events.status("live");
    await this.events.connected();
  }

  private scheduleStart(delay: number): void {
    window.clearTimeout(this.restartTimer);
    this.restartTimer = window.setTimeout(() => {
      if (this.hub.state === HubConnectionState.Disconnected) void this.start(true);
    }, delay);
  }
}
