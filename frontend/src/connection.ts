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

/** Retries quickly at first, then every 5 s; after a minute of failures the page says "offline" and keeps trying. */
export const retryPolicy: IRetryPolicy = {
  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    if (context.elapsedMilliseconds > 60_000) return null;
    return [0, 1000, 2000, 5000][Math.min(context.previousRetryCount, 3)]!;
  },
};

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
      this.scheduleStart(5000);
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
      this.scheduleStart(3000);
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
