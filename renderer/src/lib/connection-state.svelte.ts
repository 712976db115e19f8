/** Browser mode: set when the WebSocket to Reset Doctor closed; the banner shows it. */
export class ConnectionState {
  lost = $state<string | null>(null);
}
