import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { authRefusal, retryUnlessRefused } from './live';
import type { OrderView } from './mobile/orders';

/** The community orders hub (Community/OrdersHub.cs): members and community workers, push only. */
export const ORDERS_HUB_URL = '/hubs/orders';

export type OrdersHubState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface OrdersHubOptions {
  getToken(): string | null;
  opened(order: OrderView): void;
  changed(order: OrderView): void;
  state(state: OrdersHubState): void;
  /** After a reconnect: what was missed meanwhile is read again by the caller. */
  resync(): void;
  /** The hub said 401/403: no more tries. */
  refused(): void;
}

export interface OrdersHub {
  stop(): Promise<void>;
}

/**
 * Opens /hubs/orders with the token as access_token (like the live hub), reconnecting for good unless refused;
 * a connection closed for good is tried again from scratch every 10 s.
 */
export function connectOrdersHub(options: OrdersHubOptions): OrdersHub {
  let stopped = false;
  const hub: HubConnection = new HubConnectionBuilder()
    .withUrl(ORDERS_HUB_URL, { accessTokenFactory: () => options.getToken() ?? '' })
    .withAutomaticReconnect(retryUnlessRefused(() => options.refused()))
    .configureLogging(LogLevel.None)
    .build();
  hub.on('orderOpened', (order: OrderView) => options.opened(order));
  hub.on('orderChanged', (order: OrderView) => options.changed(order));
  hub.onreconnecting(() => options.state('reconnecting'));
  hub.onreconnected(() => {
    options.state('connected');
    options.resync();
  });
  hub.onclose(() => {
    if (stopped) return;
    options.state('disconnected');
    window.setTimeout(() => void connect(), 10_000);
  });
  const connect = async (): Promise<void> => {
    for (let attempt = 0; !stopped; attempt++) {
      options.state('connecting');
      try {
        await hub.start();
        options.state('connected');
        if (attempt > 0) options.resync();
        return;
      } catch (e) {
        if (authRefusal(e) !== null) {
          options.refused();
          return;
        }
        await new Promise((r) => window.setTimeout(r, Math.min(30_000, 2_000 * (attempt + 1))));
      }
    }
  };
  void connect();
  return {
    async stop() {
      stopped = true;
      await hub.stop().catch(() => undefined);
    },
  };
}
