import { contextBridge, ipcRenderer } from 'electron';
import { API_CHANNELS, EVENT_CHANNEL, type ApiChannel, type ResetDoctorApi } from '../shared/api-contract.js';
import type { RunEvent } from '../shared/run-event-info.js';

/**
 * The renderer's only door to the engine: the typed API on one object. Never ipcRenderer itself, and
 * only the contract's channels.
 */
const api: ResetDoctorApi = {
  async invoke(channel, ...args) {
    if (!API_CHANNELS.includes(channel as ApiChannel)) throw new Error(`unknown call ${String(channel)}`);
    const outcome = (await ipcRenderer.invoke(channel, ...args)) as
      { ok: true; result: never } | { ok: false; error: string };
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.result;
  },
  onEvent(listener) {
    const handler = (_event: unknown, runEvent: RunEvent) => listener(runEvent);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('resetDoctor', api);
